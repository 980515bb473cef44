import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointError, ConfigError } from '../../src/errors.js';
import { parseExperiment } from '../../src/experiment/index.js';
import { prepareFederation } from '../../src/federation/index.js';
import { textFilesExperimentDir, tinyCorpus } from './textFilesFixtures.js';

/** A text-files experiment with `data` and `model` fields replaced by `changes`. */
function experiment(changes: { data?: object; model?: object } = {}) {
  return parseExperiment({
    data: { dataset: 'text-files', path: 'corpus.jsonl', numClients: 3, ...changes.data },
    model: { base: 'model', contextLength: 8, ...changes.model },
    training: { rounds: 1, tfBackend: 'cpu' },
  });
}

describe('text-files and Hugging Face bases refuse what cannot train', () => {
  it('names what a model folder holds when model.base is a folder without config.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fedtune-no-config-'));
    mkdirSync(join(dir, 'model'));
    const failure = prepareFederation(experiment(), dir);
    await expect(failure).rejects.toThrow(CheckpointError);
    await expect(failure).rejects.toThrow(/is a folder without config\.json; a Hugging Face model folder holds config\.json, the weights .*tokenizer\.json/);
  });

  it('refuses text-files on a fedtune base file, which has no tokenizer', async () => {
    const dir = await textFilesExperimentDir('gpt2', tinyCorpus(40));
    const failure = prepareFederation(experiment({ model: { base: 'embedded', contextLength: undefined } }), dir);
    await expect(failure).rejects.toThrow(ConfigError);
    await expect(failure).rejects.toThrow(/"text-files" is tokenized by a Hugging Face model's own tokenizer, but model.base "embedded" is not a model folder/);
  });

  it('refuses a Hugging Face base on Fashion-MNIST or the fortunes, whose features are not its token ids', async () => {
    const dir = await textFilesExperimentDir('gpt2', tinyCorpus(40));
    const images = prepareFederation(experiment({ data: { dataset: 'fashion-mnist', path: undefined } }), dir);
    await expect(images).rejects.toThrow(ConfigError);
    await expect(images).rejects.toThrow(/model.base "model" is a Hugging Face model, .* data.dataset "fashion-mnist" gives image pixels; set data.dataset to "text-files"/);
    const fortunes = prepareFederation(experiment({ data: { dataset: 'fortunes-next-byte', path: undefined } }), dir);
    await expect(fortunes).rejects.toThrow(/data.dataset "fortunes-next-byte" gives byte-level tokens/);
  });

  it('refuses text-files fields and model.contextLength where they do not apply', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fedtune-stray-'));
    await expect(prepareFederation(experiment({ data: { dataset: 'fashion-mnist' }, model: { base: 'embedded', contextLength: undefined } }), dir)).rejects.toThrow(
      /data.path applies to data.dataset "text-files" or "image-folder" only; remove it/,
    );
    await expect(prepareFederation(experiment({ data: { dataset: 'fashion-mnist', path: undefined }, model: { base: 'embedded' } }), dir)).rejects.toThrow(
      /model.contextLength applies to a Hugging Face model folder as model.base; remove it/,
    );
  });

  it('refuses data.source with text-files, which reads data.path', async () => {
    const dir = await textFilesExperimentDir('gpt2', tinyCorpus(40));
    await expect(prepareFederation(experiment({ data: { source: 'texts' } }), dir)).rejects.toThrow(
      /data.source "texts" names the images or fortunes to read; text-files reads data.path instead/,
    );
  });

  it('refuses class-skew partitions for causal-lm, whose classes are next tokens', async () => {
    const dir = await textFilesExperimentDir('gpt2', tinyCorpus(40));
    for (const partition of [{ kind: 'dirichlet', alpha: 0.5 }, { kind: 'shards', classesPerClient: 2 }]) {
      const failure = prepareFederation(experiment({ data: { partition } }), dir);
      await expect(failure).rejects.toThrow(ConfigError);
      await expect(failure).rejects.toThrow(new RegExp(`data.partition "${partition.kind}" splits examples by class, .*; use "iid"`));
    }
  });

  it('refuses a context length above the model maximum, naming it', async () => {
    const dir = await textFilesExperimentDir('gpt2', tinyCorpus(40));
    const failure = prepareFederation(experiment({ model: { contextLength: 17 } }), dir);
    await expect(failure).rejects.toThrow(ConfigError);
    await expect(failure).rejects.toThrow(/model.contextLength 17 is above 16, the longest sequence .*config\.json allows; set model.contextLength at most 16, or leave it out for 16/);
  });

  it('takes the model maximum when it is shorter than the default 128', async () => {
    const dir = await textFilesExperimentDir('gpt2', tinyCorpus(40));
    const federation = await prepareFederation(experiment({ model: { contextLength: undefined } }), dir);
    try {
      expect(federation.pool.featureSize).toBe(16);
      expect(federation.baseContextLength).toBe(16);
    } finally {
      federation.base.dispose();
    }
  });
});
