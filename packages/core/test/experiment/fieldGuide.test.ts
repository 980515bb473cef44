import { describe, expect, it } from 'vitest';
import { experimentFields } from '../../src/experiment/fieldGuide.js';

describe('experimentFields', () => {
  const fields = experimentFields();
  const field = (path: string) => fields.find((candidate) => candidate.path === path);

  it('lists top-level fields and expands sections one level, marking required ones', () => {
    expect(field('data')).toMatchObject({ required: true, allowed: 'a section (its fields follow)' });
    expect(field('data.numClients')).toEqual({
      path: 'data.numClients',
      required: true,
      allowed: 'an integer from 1 to 1000000',
    });
    expect(field('training.rounds')?.required).toBe(true);
    expect(fields.filter((candidate) => candidate.required).map((candidate) => candidate.path)).toEqual([
      'data',
      'data.numClients',
      'training',
      'training.rounds',
    ]);
  });

  it('shows defaults as JSON and describes unions and enumerations', () => {
    expect(field('training.optimizer')).toMatchObject({ allowed: 'adam, sgd', defaultValue: '"adam"' });
    expect(field('data.partition')).toMatchObject({
      allowed: 'an object whose "kind" is one of iid, dirichlet, dirichlet-quantity, shards, task-groups',
      defaultValue: '{"kind":"iid"}',
    });
    expect(field('compressor')?.defaultValue).toBe('"none"');
  });

  it('does not expand free-form option records or list the $schema key', () => {
    expect(field('$schema')).toBeUndefined();
    expect(fields.some((candidate) => candidate.path.startsWith('adapter.options.'))).toBe(false);
    expect(field('adapter.options')).toMatchObject({ allowed: 'an object', defaultValue: '{}' });
  });
});
