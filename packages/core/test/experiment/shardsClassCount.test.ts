import { describe, expect, it } from 'vitest';
import { partitionIndices } from '../../src/data/partition.js';
import { ConfigError } from '../../src/errors.js';
import { RandomStream, RandomStreams } from '../../src/random/counterRandom.js';
import { interleavedLabels } from '../data/fixtures.js';

const stream = () => new RandomStream({ seed: 3, round: 0, client: 0, stream: RandomStreams.partition });

describe('data.partition shards: classesPerClient', () => {
  // 10 classes × 40 images: enough images for 4 clients × 50 shards, so only the class count is wrong.
  const labels = interleavedLabels(10, 40);
  const all = labels.map((_, i) => i);

  it('is refused above the number of classes, naming both numbers', () => {
    const run = () => partitionIndices(labels, all, 4, { kind: 'shards', classesPerClient: 50 }, stream());
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(/classesPerClient 50 is more than the 10 classes of the training data/);
  });

  it('may equal the number of classes', () => {
    const shares = partitionIndices(labels, all, 4, { kind: 'shards', classesPerClient: 10 }, stream());
    expect(shares.reduce((n, share) => n + share.length, 0)).toBe(all.length);
  });
});
