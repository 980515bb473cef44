import { symlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError, ConfigError } from '../../../../src/errors.js';
import { frozenLinear } from '../../../../src/model/architectures/baseModel.js';
import { registerHfArchitecture } from '../../../../src/model/architectures/huggingface/hfArchitectureRegistry.js';
import { loadHfModel } from '../../../../src/model/formats/huggingface/loadHfModel.js';
import { encodeSafetensors } from '../../../../src/model/formats/safetensorsCodec.js';
import { useTfBackend } from '../../../../src/model/training/tfBackend.js';
import { builds, fakeFamily } from './fakeHfFamily.js';
import {
  f32Bytes,
  FAKE_WEIGHTS,
  fakeConfig,
  fakeRawTensors,
  literalHeaderFile,
  modelFolder,
  rawSafetensors,
  u16Bytes,
  type RawTensor,
} from './hfFolder.js';

beforeAll(async () => {
  await useTfBackend('cpu');
  registerHfArchitecture(fakeFamily);
});

function lastBuild(): (typeof builds)[number] {
  const build = builds.at(-1);
  if (build === undefined) throw new Error('nothing was built');
  return build;
}

function values(name: string): number[] {
  return [...(lastBuild().tensors.get(name)?.data ?? [])];
}

/** The error `loadHfModel` throws for `folder`, checked to be of `kind` and to contain every fragment. */
async function loadError(
  folder: string,
  kind: typeof CheckpointError | typeof ConfigError,
  ...fragments: string[]
): Promise<string> {
  const error = await loadHfModel(folder).then(
    () => undefined,
    (caught: unknown) => caught
  );
  expect(error).toBeInstanceOf(kind);
  const message = (error as Error).message;
  for (const fragment of fragments) expect(message).toContain(fragment);
  return message;
}

/** A folder with the fake config and `tensors` as model.safetensors. */
function singleFileFolder(tensors: Record<string, RawTensor>, config = fakeConfig()): Promise<string> {
  return modelFolder({ 'config.json': config, 'model.safetensors': rawSafetensors(tensors) });
}

/** A folder whose index maps each tensor to the shard `shardOf` says; each shard holds `contents[file]`. */
function shardedFolder(
  weightMap: Record<string, string>,
  contents: Record<string, Record<string, RawTensor>>
): Promise<string> {
  const shards = Object.fromEntries(Object.entries(contents).map(([file, tensors]) => [file, rawSafetensors(tensors)]));
  return modelFolder({
    'config.json': fakeConfig(),
    'model.safetensors.index.json': { metadata: { total_size: 40 }, weight_map: weightMap },
    ...shards,
  });
}

/** The fake tensors split over two shards, with the index that says so. */
function twoShards(): {
  weightMap: Record<string, string>;
  contents: Record<string, Record<string, RawTensor>>;
} {
  const { 'model.embed.weight': embed, 'model.layers.0.weight': layer, 'head.weight': head } = fakeRawTensors();
  const first = 'model-00001-of-00002.safetensors';
  const second = 'model-00002-of-00002.safetensors';
  return {
    weightMap: { 'model.embed.weight': first, 'model.layers.0.weight': second, 'head.weight': second },
    contents: {
      [first]: { 'model.embed.weight': embed as RawTensor },
      [second]: { 'model.layers.0.weight': layer as RawTensor, 'head.weight': head as RawTensor },
    },
  };
}

describe('loadHfModel', () => {
  it('loads a single model.safetensors and builds the family model with its metadata', async () => {
    const folder = await singleFileFolder(fakeRawTensors(), fakeConfig({ _name_or_path: 'acme/fake-tiny' }));
    const { model, architecture, config, notes } = await loadHfModel(folder);
    expect(architecture).toBe(fakeFamily);
    expect(config).toEqual({ vocabSize: 3, hiddenSize: 2, layers: 1, maxPositions: 8 });
    expect(notes).toEqual([]);
    expect([...lastBuild().tensors.keys()].sort()).toEqual(['embed.weight', 'head.weight', 'layers.0.weight']);
    expect(values('embed.weight')).toEqual(FAKE_WEIGHTS['model.embed.weight'].values);
    expect(lastBuild().tensors.get('embed.weight')?.shape).toEqual([3, 2]);
    expect(values('layers.0.weight')).toEqual(FAKE_WEIGHTS['model.layers.0.weight'].values);
    expect(values('head.weight')).toEqual(FAKE_WEIGHTS['head.weight'].values);
    expect(lastBuild().options).toEqual({
      contextLength: 8,
      metadata: { source: 'acme/fake-tiny', modelType: 'fake', hfClass: 'FakeForCausalLM' },
    });
    // Token 1 embeds as [3, 4]; the head rows are [10, 11], [12, 13], [14, 15].
    const logits = model.positionLogits(tf.tensor2d([[1]]), (module, x) => frozenLinear(x, model.frozen.get(module.name)!));
    expect([...logits.dataSync()]).toEqual([3 * 10 + 4 * 11, 3 * 12 + 4 * 13, 3 * 14 + 4 * 15]);
    model.dispose();
  });

  it('names the model after the folder when config.json has no _name_or_path, and honours contextLength', async () => {
    const folder = await singleFileFolder(fakeRawTensors());
    const { model } = await loadHfModel(folder, { contextLength: 5 });
    expect(lastBuild().options.metadata['source']).toBe(basename(folder));
    expect(lastBuild().options.contextLength).toBe(5);
    expect(model.contextLength).toBe(5);
    model.dispose();
  });

  it('loads two shards named by model.safetensors.index.json', async () => {
    const { weightMap, contents } = twoShards();
    const { model } = await loadHfModel(await shardedFolder(weightMap, contents));
    expect(values('embed.weight')).toEqual(FAKE_WEIGHTS['model.embed.weight'].values);
    expect(values('layers.0.weight')).toEqual(FAKE_WEIGHTS['model.layers.0.weight'].values);
    expect(values('head.weight')).toEqual(FAKE_WEIGHTS['head.weight'].values);
    model.dispose();
  });

  it('widens BF16 and F16 weights to float32 exactly, with one note per dtype', async () => {
    // BF16 is a float32's upper half: 0x3f80 = 1, 0xc040 = −3, 0x3e20 = 0.15625, 0x4120 = 10, 0x0000 = 0, 0xbf00 = −0.5.
    // F16: 0x3c00 = 1, 0x0001 = 2^−24 (smallest subnormal).
    const folder = await singleFileFolder({
      'model.embed.weight': { dtype: 'BF16', shape: [3, 2], bytes: u16Bytes([0x3f80, 0xc040, 0x3e20, 0x4120, 0x0000, 0xbf00]) },
      'model.layers.0.weight': { dtype: 'F16', shape: [2], bytes: u16Bytes([0x3c00, 0x0001]) },
      'head.weight': { dtype: 'BF16', shape: [3, 2], bytes: u16Bytes([0x3f80, 0x3f80, 0x3f80, 0x3f80, 0x3f80, 0x4120]) },
    });
    const { model, notes } = await loadHfModel(folder);
    expect(values('embed.weight')).toEqual([1, -3, 0.15625, 10, 0, -0.5]);
    expect(values('layers.0.weight')).toEqual([1, 2 ** -24]);
    expect(values('head.weight')).toEqual([1, 1, 1, 1, 1, 10]);
    expect(lastBuild().tensors.get('embed.weight')?.data).toBeInstanceOf(Float32Array);
    expect(notes).toEqual(['converted 2 BF16 tensors to float32', 'converted 1 F16 tensor to float32']);
    model.dispose();
  });

  it('drops a buffer the family does not use without decoding it, whatever its dtype', async () => {
    const tensors = fakeRawTensors();
    const folder = await singleFileFolder({
      ...tensors,
      'model.layers.0.mask': { dtype: 'I64', shape: [2], bytes: new Uint8Array(16).fill(0xff) },
    });
    const { model, notes } = await loadHfModel(folder);
    expect([...lastBuild().tensors.keys()]).not.toContain('layers.0.mask');
    expect(notes).toEqual(['dropped 1 buffer the model does not use (e.g. "model.layers.0.mask")']);
    model.dispose();
  });

  it('loads a checkpoint without the optional (tied) head', async () => {
    const { 'head.weight': _head, ...untied } = fakeRawTensors();
    const { model } = await loadHfModel(await singleFileFolder(untied));
    expect(lastBuild().tensors.has('head.weight')).toBe(false);
    model.dispose();
  });

  it('reads model.safetensors when an index lies beside it too, and says so', async () => {
    const { weightMap } = twoShards();
    const folder = await modelFolder({
      'config.json': fakeConfig(),
      'model.safetensors': rawSafetensors(fakeRawTensors()),
      'model.safetensors.index.json': { weight_map: weightMap },
    });
    const { model, notes } = await loadHfModel(folder);
    expect(values('head.weight')).toEqual(FAKE_WEIGHTS['head.weight'].values);
    expect(notes).toEqual(['read model.safetensors and ignored model.safetensors.index.json beside it']);
    model.dispose();
  });

  it('falls back to model_type when config.json names an unknown class, and says so', async () => {
    const config = fakeConfig({ architectures: ['FakeModel'] });
    const { model, notes } = await loadHfModel(await singleFileFolder(fakeRawTensors(), config));
    expect(lastBuild().options.metadata['hfClass']).toBe('FakeForCausalLM');
    expect(notes.join('\n')).toContain('names class FakeModel');
    model.dispose();
  });
});

describe('loadHfModel: the folder and config.json', () => {
  it('refuses a missing folder, or a file given for the folder', async () => {
    const folder = await singleFileFolder(fakeRawTensors());
    await loadError(join(folder, 'nowhere'), CheckpointError, join(folder, 'nowhere'), 'give the folder holding config.json');
    await loadError(join(folder, 'config.json'), CheckpointError, 'is a file, not a model folder', folder);
  });

  it('refuses a folder without config.json', async () => {
    const folder = await modelFolder({ 'model.safetensors': rawSafetensors(fakeRawTensors()) });
    await loadError(folder, CheckpointError, join(folder, 'config.json'), 'not found');
  });

  it('refuses config.json that is not strict JSON, naming the line and column', async () => {
    const folder = await modelFolder({ 'config.json': '{\n  "model_type": "fake",\n  "model_type": "gpt2"\n}' });
    await loadError(folder, CheckpointError, join(folder, 'config.json'), 'line 3', 'given twice');
    await writeFile(join(folder, 'config.json'), '{"vocab_size": 3,}');
    await loadError(folder, CheckpointError, 'not valid JSON', 'trailing comma');
    await writeFile(join(folder, 'config.json'), `{"a": ${'['.repeat(100)}${']'.repeat(100)}}`);
    await loadError(folder, CheckpointError, 'more than 64 deep');
    // Decoding as U+FFFD would read a model_type the file never held.
    await writeFile(join(folder, 'config.json'), Buffer.from('{\n"model_type": "f\xe9ke"}', 'latin1'));
    await loadError(folder, CheckpointError, `${join(folder, 'config.json')} is not valid UTF-8 (line 2 holds bytes that are not)`);
  });

  it('refuses config.json that is not an object, or larger than 4 MiB', async () => {
    const folder = await modelFolder({ 'config.json': '["FakeForCausalLM"]' });
    await loadError(folder, CheckpointError, join(folder, 'config.json'), 'holds a list, not a JSON object');
    await writeFile(join(folder, 'config.json'), `{"pad": "${' '.repeat(4 * 1024 * 1024)}"}`);
    await loadError(folder, CheckpointError, join(folder, 'config.json'), '4194304-byte limit');
  });

  it('refuses an unknown family, listing the supported classes', async () => {
    const config = fakeConfig({ architectures: ['MambaForCausalLM'], model_type: 'mamba' });
    const folder = await singleFileFolder(fakeRawTensors(), config);
    await loadError(folder, CheckpointError, 'config.json', 'MambaForCausalLM', 'mamba', 'supported classes: ', 'FakeForCausalLM');
  });

  it('passes config.json problems the family finds through, naming the file', async () => {
    const folder = await singleFileFolder(fakeRawTensors(), fakeConfig({ hidden_size: 'wide' }));
    await loadError(folder, CheckpointError, join(folder, 'config.json'), '"hidden_size"');
  });

  it('refuses a contextLength that is not a whole number from 1 to the maximum', async () => {
    const folder = await singleFileFolder(fakeRawTensors());
    for (const contextLength of [0, 2.5, 9]) {
      const error = await loadHfModel(folder, { contextLength }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(`contextLength ${contextLength} is not a whole number from 1 to 8`);
    }
  });
});

describe('loadHfModel: weight files', () => {
  it('refuses a folder with only PyTorch weights, saying how to convert them', async () => {
    const folder = await modelFolder({ 'config.json': fakeConfig(), 'pytorch_model.bin': 'pickle' });
    await loadError(folder, CheckpointError, 'pytorch_model.bin', 'safe_serialization=True');
  });

  it('refuses a folder with no weights, listing what it holds', async () => {
    const folder = await modelFolder({ 'config.json': fakeConfig(), 'README.md': 'hi' });
    await loadError(folder, CheckpointError, 'no model.safetensors or model.safetensors.index.json', 'README.md, config.json');
  });

  it('refuses an index naming a shard the folder lacks', async () => {
    const { weightMap, contents } = twoShards();
    const { 'model-00002-of-00002.safetensors': _missing, ...present } = contents;
    const folder = await shardedFolder(weightMap, present);
    await loadError(folder, CheckpointError, 'model.safetensors.index.json', 'model-00002-of-00002.safetensors', 'no such file');
  });

  it('refuses shard names that leave the folder or enter a subfolder', async () => {
    for (const shard of ['../model.safetensors', '/models/model.safetensors', 'sub/model.safetensors', 'C:model.safetensors', '..']) {
      const folder = await shardedFolder({ 'model.embed.weight': shard }, {});
      await loadError(folder, CheckpointError, 'model.safetensors.index.json', JSON.stringify(shard), 'not the name of a file in the model folder');
    }
  });

  it('refuses an index without a weight_map', async () => {
    const folder = await modelFolder({ 'config.json': fakeConfig(), 'model.safetensors.index.json': { metadata: {} } });
    await loadError(folder, CheckpointError, 'model.safetensors.index.json', '"weight_map" is missing');
  });

  it('refuses a tensor the index maps to a shard that lacks it', async () => {
    const { weightMap, contents } = twoShards();
    const folder = await shardedFolder({ ...weightMap, 'model.layers.1.weight': 'model-00001-of-00002.safetensors' }, contents);
    await loadError(folder, CheckpointError, 'model.safetensors.index.json', '"model.layers.1.weight"', 'does not hold it');
  });

  it('refuses a tensor that two shards hold', async () => {
    const { weightMap, contents } = twoShards();
    const first = contents['model-00001-of-00002.safetensors']!;
    contents['model-00001-of-00002.safetensors'] = { ...first, 'head.weight': fakeRawTensors()['head.weight']! };
    const folder = await shardedFolder(weightMap, contents);
    await loadError(folder, CheckpointError, '"head.weight"', 'is also in model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors');
  });

  it('refuses a shard holding tensors the index does not list, naming them', async () => {
    const { weightMap, contents } = twoShards();
    const second = contents['model-00002-of-00002.safetensors']!;
    contents['model-00002-of-00002.safetensors'] = {
      ...second,
      'extra.a': { dtype: 'F32', shape: [1], bytes: f32Bytes([1]) },
      'extra.b': { dtype: 'F32', shape: [1], bytes: f32Bytes([2]) },
    };
    const folder = await shardedFolder(weightMap, contents);
    await loadError(folder, CheckpointError, 'model-00002-of-00002.safetensors holds 2 tensor(s)', '"extra.a", "extra.b"');
  });

  it('refuses a tensor in another shard than the index says', async () => {
    const { weightMap, contents } = twoShards();
    const folder = await shardedFolder({ ...weightMap, 'head.weight': 'model-00001-of-00002.safetensors' }, contents);
    await loadError(folder, CheckpointError, '"head.weight" is mapped to model-00001-of-00002.safetensors but is in model-00002-of-00002.safetensors');
  });

  it.skipIf(process.platform === 'win32')('refuses a shard that is not a regular file (a link to /dev/zero)', async () => {
    const folder = await modelFolder({ 'config.json': fakeConfig() });
    await symlink('/dev/zero', join(folder, 'model.safetensors'));
    await loadError(folder, CheckpointError, 'model.safetensors', 'character device');
  });
});

describe('loadHfModel: hostile and damaged shards', () => {
  /** A file whose header length prefix claims `claimed` bytes, padded with spaces to `size` bytes. */
  function claimingHeader(claimed: bigint, size: number): Uint8Array {
    const bytes = new Uint8Array(size).fill(0x20);
    new DataView(bytes.buffer).setBigUint64(0, claimed, true);
    return bytes;
  }

  it('refuses a header length of 2^60', async () => {
    const folder = await modelFolder({ 'config.json': fakeConfig(), 'model.safetensors': claimingHeader(2n ** 60n, 100) });
    await loadError(folder, CheckpointError, 'model.safetensors', `header length ${2n ** 60n} exceeds the 100000000-byte limit`);
  });

  it('refuses a 1 GB header in a 100-byte file before allocating it', async () => {
    const folder = await modelFolder({ 'config.json': fakeConfig(), 'model.safetensors': claimingHeader(1_000_000_000n, 100) });
    await loadError(folder, CheckpointError, 'model.safetensors', 'header length 1000000000 exceeds');
  });

  it('refuses a header within the limit that is longer than the file', async () => {
    const folder = await modelFolder({ 'config.json': fakeConfig(), 'model.safetensors': claimingHeader(50_000_000n, 100) });
    await loadError(folder, CheckpointError, 'model.safetensors', 'header length 50000000 is more than the 92 bytes that follow');
  });

  it('refuses data_offsets past the end of the file, naming the tensor and both sizes', async () => {
    const header = {
      'model.embed.weight': { dtype: 'F32', shape: [3, 2], data_offsets: [0, 24] },
      'head.weight': { dtype: 'F32', shape: [1000, 2], data_offsets: [24, 8024] },
    };
    const bytes = literalHeaderFile(header, 32);
    const dataStart = bytes.length - 32;
    const folder = await modelFolder({ 'config.json': fakeConfig(), 'model.safetensors': bytes });
    await loadError(
      folder,
      CheckpointError,
      join(folder, 'model.safetensors'),
      'tensor "head.weight": data_offsets [24, 8024] reach past the 32-byte data section',
      `the file is ${bytes.length} bytes but its header needs ${dataStart + 8024}`
    );
  });

  it('refuses a shard truncated by one byte, naming it, its size and the size its header needs', async () => {
    const { weightMap, contents } = twoShards();
    const folder = await shardedFolder(weightMap, contents);
    const shard = join(folder, 'model-00002-of-00002.safetensors');
    const whole = rawSafetensors(contents['model-00002-of-00002.safetensors']!);
    await writeFile(shard, whole.subarray(0, whole.length - 1));
    await loadError(
      folder,
      CheckpointError,
      shard,
      `the file is ${whole.length - 1} bytes but its header needs ${whole.length}`,
      'truncated'
    );
  });
});

describe('loadHfModel: tensors against the config', () => {
  it('refuses a weight dtype other than F32, F16 and BF16, naming the tensor', async () => {
    const tensors = fakeRawTensors();
    tensors['model.layers.0.weight'] = { dtype: 'F64', shape: [2], bytes: new Uint8Array(Float64Array.of(0.5, -1).buffer) };
    await loadError(await singleFileFolder(tensors), CheckpointError, 'model.safetensors', '"model.layers.0.weight"', 'dtype F64', 'F32, F16, BF16');
  });

  it('refuses names the family does not know, listing at most five', async () => {
    const tensors = fakeRawTensors();
    for (let i = 0; i < 7; i++) tensors[`vision.${i}`] = { dtype: 'F32', shape: [1], bytes: f32Bytes([i]) };
    const message = await loadError(await singleFileFolder(tensors), CheckpointError, '7 tensor(s)', '"vision.0" (model.safetensors)', 'and 2 more');
    expect(message).toContain('"vision.4"');
    expect(message).not.toContain('"vision.5"');
  });

  it('refuses weights missing a tensor the config implies, naming it', async () => {
    const { 'model.layers.0.weight': _layer, ...rest } = fakeRawTensors();
    await loadError(await singleFileFolder(rest), CheckpointError, 'model.safetensors', 'missing', '"layers.0.weight"');
  });

  it('refuses tensors the config does not describe (a layer too many)', async () => {
    const tensors = { ...fakeRawTensors(), 'model.layers.1.weight': { dtype: 'F32', shape: [2], bytes: f32Bytes([1, 2]) } };
    await loadError(await singleFileFolder(tensors), CheckpointError, '"model.layers.1.weight"', 'the config does not match the weights');
  });

  it('refuses a shape the config does not imply, naming the config fields behind it', async () => {
    const tensors = fakeRawTensors();
    tensors['model.embed.weight'] = { dtype: 'F32', shape: [2, 3], bytes: f32Bytes([1, 2, 3, 4, 5, 6]) };
    await loadError(
      await singleFileFolder(tensors),
      CheckpointError,
      'model.safetensors: tensor "model.embed.weight" has shape [2, 3] but config.json (vocab_size=3, hidden_size=2) implies [3, 2]; the config does not match the weights'
    );
  });

  it('refuses two checkpoint names for one tensor', async () => {
    const tensors = { ...fakeRawTensors(), 'embed.weight': fakeRawTensors()['model.embed.weight']! };
    await loadError(await singleFileFolder(tensors), CheckpointError, '"model.embed.weight"', '"embed.weight"', 'two copies');
  });

  it('accepts an F32 file written by the encoder', async () => {
    const tensors = new Map(
      Object.entries(FAKE_WEIGHTS).map(([name, { shape, values }]) => [name, { shape: [...shape], data: Float32Array.from(values) }])
    );
    const folder = await modelFolder({ 'config.json': fakeConfig(), 'model.safetensors': encodeSafetensors(tensors, { format: 'pt' }) });
    const { model } = await loadHfModel(folder);
    expect(values('head.weight')).toEqual(FAKE_WEIGHTS['head.weight'].values);
    model.dispose();
  });
});
