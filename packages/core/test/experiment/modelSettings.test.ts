import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFedtuneContainer } from '../../src/builtins/corePlugin.js';
import { runExperiment } from '../../src/engine/runExperiment.js';
import { ConfigError } from '../../src/errors.js';
import { parseExperiment } from '../../src/experiment/load.js';
import { assertModelMatchesBase } from '../../src/experiment/modelMatchesBase.js';
import { mlpModules } from '../../src/model/architectures/mlp.js';

const folder = mkdtempSync(join(tmpdir(), 'fedtune-model-settings-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const minimal = { data: { numClients: 2, trainLimit: 100, testLimit: 50 }, training: { rounds: 1 } };
const mlpBase = { architecture: 'mlp', modules: mlpModules({ inputSize: 784, hidden: [256, 128], numClasses: 5 }) };
const modelOf = (model: object) => parseExperiment({ ...minimal, model }).model;

describe('model.architecture and model.hidden', () => {
  it('have no defaults: the base file decides both unless the experiment states them', () => {
    expect(parseExperiment(minimal).model).toEqual({ base: 'embedded' });
  });

  it('are accepted when they describe the base', () => {
    expect(() => assertModelMatchesBase(modelOf({ architecture: 'mlp', hidden: [256, 128] }), mlpBase, 'base.safetensors')).not.toThrow();
  });

  it('are refused where run would ignore them, saying what is used instead', () => {
    expect(() => assertModelMatchesBase(modelOf({ hidden: [100_000] }), mlpBase, 'base.safetensors')).toThrow(
      /model\.hidden \[100000\] is not the hidden layers of the base base\.safetensors, \[256, 128\].*fedtune pretrain --hidden 100000/,
    );
    expect(() => assertModelMatchesBase(modelOf({ architecture: 'transformer' }), mlpBase, 'base.safetensors')).toThrow(
      /model\.architecture "transformer" is not the architecture of the base base\.safetensors, "mlp"/,
    );
    const transformerBase = { architecture: 'transformer', modules: mlpBase.modules };
    expect(() => assertModelMatchesBase(modelOf({ hidden: [256, 128] }), transformerBase, 'text.safetensors')).toThrow(
      /model\.hidden applies to an mlp base; text\.safetensors is a transformer/,
    );
  });

  it('keep a long list short in the message', () => {
    const hidden = Array.from({ length: 100_000 }, () => 7);
    const error = (() => {
      try {
        assertModelMatchesBase(modelOf({ hidden }), mlpBase, 'base.safetensors');
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('expected a refusal');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message.length).toBeLessThan(600);
  });

  it('stop a run before its results folder is made', async () => {
    const outDir = join(folder, 'out');
    const experiment = parseExperiment({ ...minimal, model: { hidden: [100_000] } });
    await expect(runExperiment(experiment, { outDir, experimentDir: folder, container: createFedtuneContainer() })).rejects.toThrow(
      /model\.hidden \[100000\] is not the hidden layers of the base/,
    );
    expect(existsSync(outDir)).toBe(false);
  }, 60_000);
});
