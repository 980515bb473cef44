import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_FILE, decodeCheckpoint, encodeCheckpoint, readCheckpoint, type ServerState } from '../../src/engine/index.js';
import { CheckpointError } from '../../src/errors.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/model/formats/safetensors.js';
import { resealed, sampleState } from './checkpointFixtures.js';

const decode = (bytes: Uint8Array) => decodeCheckpoint(bytes, 'abc', 'ckpt');
const refusal = (bytes: Uint8Array): CheckpointError => {
  try {
    decode(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    return error as CheckpointError;
  }
  throw new Error('the checkpoint was accepted');
};

describe('a checkpoint changed after it was written', () => {
  it('is refused when one exponent bit of a global value flips', () => {
    const bytes = encodeCheckpoint(sampleState(), 'abc');
    const content = decodeSafetensors(bytes);
    const global = content.tensors.get('global')?.data as Float32Array;
    const flipped = new Float32Array(global);
    const raw = new Uint8Array(flipped.buffer);
    raw[3] = (raw[3] as number) ^ 0x01; // an exponent bit of global[0]
    expect(flipped[0]).toBe(0.25);
    content.tensors.set('global', { ...content.tensors.get('global')!, data: flipped });
    const changed = encodeSafetensors(content.tensors as Map<string, { shape: number[]; data: Float32Array }>, content.metadata);
    expect(refusal(changed).message).toBe(
      'ckpt does not match its digest: the checkpoint was changed or damaged after it was written; start the run again without --resume.',
    );
  });

  it('is refused when its round is rewritten in the metadata', () => {
    const content = decodeSafetensors(encodeCheckpoint(sampleState(), 'abc'));
    const changed = encodeSafetensors(content.tensors as Map<string, { shape: number[]; data: Float32Array }>, { ...content.metadata, nextRound: '2' });
    expect(refusal(changed).message).toMatch(/^ckpt does not match its digest: .*start the run again without --resume\.$/);
  });

  it('is refused when a tensor is stored as another dtype with the same values', () => {
    const relabelled = encodeCheckpoint(sampleState(), 'abc');
    const label = Buffer.from(relabelled).indexOf('"global":{"dtype":"F32"') + '"global":{"dtype":"'.length;
    // The same bytes relabelled I32 keep the digest: only the dtype check sees the change.
    relabelled[label] = 'I'.charCodeAt(0);
    expect(refusal(relabelled).message).toMatch(/tensor "global" has dtype I32, not F32; the checkpoint was changed or damaged/);
  });

  it('is refused as an older version without a digest, naming both versions', () => {
    const v2 = resealed(encodeCheckpoint(sampleState(), 'abc'), (content) => {
      content.metadata['version'] = '2';
    });
    expect(refusal(v2).message).toMatch(/is a version 2 checkpoint and this fedtune reads version 3; resume it with the fedtune release that wrote it/);
  });
});

describe('a checkpoint that does not fit the run or the format', () => {
  it('is refused with bytes appended after its tensors, which the digest does not cover', () => {
    const bytes = encodeCheckpoint(sampleState(), 'abc');
    const appended = new Uint8Array(bytes.length + 64).fill(0xab);
    appended.set(bytes);
    expect(refusal(appended).message).toMatch(/^ckpt: the last 64 of the \d+ data bytes belong to no tensor; bytes were appended/);
  });

  it.each([
    ['global', 'the global model', (state: ServerState) => (state.global = state.global.slice(0, -1))],
    ['previousGlobal', 'the previous global model', (state: ServerState) => (state.previousGlobal = state.previousGlobal.slice(0, -1))],
    ['group.0', 'slot group 0', (state: ServerState) => (state.groups = [{ ...state.groups[0]!, parameters: Float32Array.of(9, 9) }])],
  ])('is refused when tensor "%s" is not of the run\'s parameter count, though sealed', (name, what, shorten) => {
    const state = sampleState();
    shorten(state);
    let caught: unknown;
    try {
      decodeCheckpoint(encodeCheckpoint(state, 'abc'), 'abc', 'ckpt', 3);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CheckpointError);
    expect((caught as Error).message).toBe(
      `ckpt: tensor "${name}" (${what}) has 2 values, the run's model has 3; the checkpoint was changed or damaged after it was written; ` +
        'start the run again without --resume.',
    );
  });
});

describe('a checkpoint holding non-finite values', () => {
  it('names the global tensor and index instead of blaming the experiment', () => {
    const state = sampleState();
    state.global[1] = Number.NaN;
    expect(refusal(encodeCheckpoint(state, 'abc')).message).toBe(
      'ckpt holds non-finite values: tensor "global" (the global model) holds NaN at index 1. ' +
        'A run resumed from it would go on from a broken state; start the run again without --resume.',
    );
  });

  it('is refused at resume when a memory tensor holds NaN, naming the component memory', () => {
    const state = sampleState();
    state.clientMemory.of('compressor', 3).set('residual', Float32Array.of(0.5, Number.NaN));
    expect(refusal(encodeCheckpoint(state, 'abc')).message).toMatch(
      /^ckpt holds non-finite values: tensor "memory\.0" \(client memory "residual" of compressor#3\) holds NaN at index 1\./,
    );
  });

  it('keeps infinities in memory tensors and non-finite memory numbers, which components store on purpose', () => {
    const state = sampleState();
    state.serverMemory.of('aggregator', 2).set('distances', Float32Array.of(0, Infinity, -Infinity));
    state.serverMemory.of('aggregator', 2).set('unset', Number.NaN);
    const memory = decode(encodeCheckpoint(state, 'abc')).serverMemory.of('aggregator', 2);
    expect(Array.from(memory.get('distances') as Float32Array)).toEqual([0, Infinity, -Infinity]);
    expect(memory.get('unset')).toBeNaN();
  });

  it('refuses an infinite value in a slot group, which the server never keeps', () => {
    const state = sampleState();
    state.groups[0]!.parameters[2] = -Infinity;
    expect(refusal(encodeCheckpoint(state, 'abc')).message).toMatch(/tensor "group\.0" \(slot group 0\) holds -Infinity at index 2\./);
  });
});

describe('a checkpoint whose metadata lists malformed entries', () => {
  const withMemory = (memory: unknown[]) =>
    resealed(encodeCheckpoint(sampleState(), 'abc'), (content) => {
      content.metadata['memory'] = JSON.stringify(memory);
    });

  it.each([
    ['null', [null], /memory entry 0 is null, not \[side, scope, key, \{ tensor \} or \{ number \}\]/],
    ['{}', [{}], /memory entry 0 is \{\}, not \[side/],
    ['a null value', [['client', 'compressor#3', 'residual', null]], /memory entry 0 is \["client","compressor#3","residual",null\]/],
    ['an empty value', [['server', 'aggregator#0', 'loss', {}]], /memory entry 0 is \["server","aggregator#0","loss",\{\}\]/],
    ['a number that is no number', [['server', 'aggregator#0', 'loss', { number: 'many' }]], /memory entry 0 is/],
    ['another side', [['both', 'aggregator#0', 'loss', { number: 1 }]], /memory entry 0 is/],
  ])('refuses a memory entry that is %s', (_name, memory, message) => {
    expect(refusal(withMemory(memory)).message).toMatch(message);
    expect(refusal(withMemory(memory)).message).toMatch(/the checkpoint was changed or damaged, start the run again without --resume\.$/);
  });

  it('refuses memory that is not a list, with a bounded excerpt', () => {
    const huge = { note: 'x'.repeat(100_000) };
    const message = refusal(
      resealed(encodeCheckpoint(sampleState(), 'abc'), (content) => {
        content.metadata['memory'] = JSON.stringify(huge);
      }),
    ).message;
    expect(message).toMatch(/the metadata "memory" is \{"note":"x+…, not a list/);
    expect(message.length).toBeLessThan(300);
  });

  it('refuses memory nested 5,000 lists deep without overflowing the stack', () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const changed = resealed(encodeCheckpoint(sampleState(), 'abc'), (content) => {
      content.metadata['memory'] = deep;
    });
    expect(refusal(changed).message).toBe(
      'ckpt: the metadata "memory" nests lists and objects more than 64 deep; the checkpoint was changed or damaged, start the run again without --resume.',
    );
  });

  it('refuses a memory entry naming a tensor the file lacks', () => {
    const changed = withMemory([['client', 'compressor#3', 'residual', { tensor: 'memory.9' }]]);
    expect(refusal(changed).message).toMatch(/lacks the tensor "memory\.9" \(client memory "residual" of compressor#3\)/);
  });
});

describe('reading the checkpoint of a results folder', () => {
  it('refuses a directory where the checkpoint file should be', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fedtune-checkpoint-dir-'));
    mkdirSync(join(dir, CHECKPOINT_FILE));
    expect(() => readCheckpoint(dir, 'abc')).toThrow(CheckpointError);
    expect(() => readCheckpoint(dir, 'abc')).toThrow(`${join(dir, CHECKPOINT_FILE)} is not a file; remove it to resume with this run started over`);
  });

  it('reads back the state it wrote, and nothing when there is no checkpoint', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fedtune-checkpoint-read-'));
    expect(readCheckpoint(dir, 'abc')).toBeUndefined();
    writeFileSync(join(dir, CHECKPOINT_FILE), encodeCheckpoint(sampleState(), 'abc'));
    expect(readCheckpoint(dir, 'abc')?.nextRound).toBe(4);
  });
});
