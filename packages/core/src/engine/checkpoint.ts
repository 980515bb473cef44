import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { SlotGroup } from '../contracts/aggregator.js';
import { CheckpointError } from '../errors.js';
import { writeFileAtomicSync } from '../io/atomicWrite.js';
import { decodeSafetensors, encodeSafetensors, type TensorData } from '../model/safetensors.js';
import { MemoryStore } from './memoryStore.js';

/** File name of a run's checkpoint inside its results folder. */
export const CHECKPOINT_FILE = 'checkpoint.safetensors';

const FORMAT = 'fedtune-server-state';
// 2: slots are stored as the aggregator's groups (one tensor per group), not one tensor per slot.
const VERSION = '2';

/**
 * Everything the server and the simulated clients carry from one round to the next. Components
 * keep their state in client memory by contract, and every random draw is a function of (seed,
 * round, client, stream), so this is all a stopped run needs to go on exactly as it would have.
 */
export interface ServerState {
  /** Rounds finished: the round the run goes on from. */
  nextRound: number;
  global: Float32Array;
  previousGlobal: Float32Array;
  /** Groups of slots that start from their own parameters (see {@link SlotAggregation}). */
  groups: readonly SlotGroup[];
  clientMemory: MemoryStore;
  serverMemory: MemoryStore;
}

/** A fingerprint of a run's settings: a checkpoint is never applied to another experiment. */
export function runFingerprint(experiment: unknown): string {
  return createHash('sha256').update(JSON.stringify(experiment)).digest('hex');
}

type MemorySide = 'client' | 'server';
/** One memory value: Float32Arrays are tensors, numbers stay in the JSON metadata at full precision. */
type MemoryEntry = [side: MemorySide, scope: string, key: string, value: { tensor: string } | { number: number | string }];

/** The state as safetensors: vectors as F32 tensors, the rest in the metadata. */
export function encodeCheckpoint(state: ServerState, fingerprint: string): Uint8Array {
  const tensors = new Map<string, TensorData>();
  const vector = (name: string, values: Float32Array): string => {
    tensors.set(name, { shape: [values.length], data: values });
    return name;
  };
  vector('global', state.global);
  vector('previousGlobal', state.previousGlobal);
  const groups = state.groups.map((group, i) => ({ tensor: vector(`group.${i}`, group.parameters), slots: group.slots }));
  const memory: MemoryEntry[] = [];
  const sides: [MemorySide, MemoryStore][] = [
    ['client', state.clientMemory],
    ['server', state.serverMemory],
  ];
  for (const [side, store] of sides) {
    for (const [scope, key, value] of store.entries()) {
      memory.push([
        side,
        scope,
        key,
        typeof value === 'number' ? { number: Number.isFinite(value) ? value : String(value) } : { tensor: vector(`memory.${memory.length}`, value) },
      ]);
    }
  }
  return encodeSafetensors(tensors, {
    format: FORMAT,
    version: VERSION,
    fingerprint,
    nextRound: String(state.nextRound),
    groups: JSON.stringify(groups),
    memory: JSON.stringify(memory),
  });
}

/**
 * The state a checkpoint holds; a {@link CheckpointError} when the bytes are not a checkpoint of
 * this format or belong to another experiment (`fingerprint` differs).
 */
export function decodeCheckpoint(bytes: Uint8Array, fingerprint: string, source: string): ServerState {
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  if (metadata['format'] !== FORMAT) {
    throw new CheckpointError(`${source} is not a fedtune checkpoint (format ${metadata['format']}); start the run again without --resume.`);
  }
  if (metadata['version'] !== VERSION) {
    throw new CheckpointError(
      `${source} is a version ${metadata['version']} checkpoint and this fedtune reads version ${VERSION}; ` +
        'resume it with the fedtune release that wrote it, or start the run again without --resume.',
    );
  }
  if (metadata['fingerprint'] !== fingerprint) {
    throw new CheckpointError(
      `${source} was written by a run with other settings; resume with the experiment that wrote it, or start again without --resume.`
    );
  }
  const vector = (name: string): Float32Array => {
    const tensor = tensors.get(name);
    if (tensor === undefined || !(tensor.data instanceof Float32Array)) {
      throw new CheckpointError(`${source} lacks the float32 tensor "${name}"; the file is damaged, start the run again.`);
    }
    return tensor.data;
  };
  const nextRound = Number(metadata['nextRound']);
  if (!Number.isSafeInteger(nextRound) || nextRound < 0) {
    throw new CheckpointError(`${source} records round ${metadata['nextRound']}; the file is damaged, start the run again.`);
  }
  let groups: { tensor: string; slots: string[] }[];
  let memory: MemoryEntry[];
  try {
    groups = JSON.parse(metadata['groups'] ?? '[]') as { tensor: string; slots: string[] }[];
    memory = JSON.parse(metadata['memory'] ?? '[]') as MemoryEntry[];
  } catch {
    throw new CheckpointError(`${source} has unreadable metadata; the file is damaged, start the run again.`);
  }
  const groupsWellFormed =
    Array.isArray(groups) &&
    groups.every((group) => typeof group?.tensor === 'string' && Array.isArray(group.slots) && group.slots.every((slot) => typeof slot === 'string'));
  if (!groupsWellFormed) {
    throw new CheckpointError(`${source} has malformed slot groups in its metadata; the file is damaged, start the run again.`);
  }
  const entries = (side: MemorySide) =>
    memory
      .filter((entry) => entry[0] === side)
      .map(([, scope, key, value]) => [scope, key, 'tensor' in value ? vector(value.tensor) : Number(value.number)] as const);
  return {
    nextRound,
    global: vector('global'),
    previousGlobal: vector('previousGlobal'),
    groups: groups.map((group) => ({ parameters: vector(group.tensor), slots: group.slots })),
    clientMemory: MemoryStore.fromEntries(entries('client')),
    serverMemory: MemoryStore.fromEntries(entries('server')),
  };
}

/** Writes the checkpoint atomically: a stop mid-write leaves the previous one whole. */
export function writeCheckpoint(dir: string, state: ServerState, fingerprint: string): void {
  writeFileAtomicSync(join(dir, CHECKPOINT_FILE), encodeCheckpoint(state, fingerprint));
}

/** The checkpoint in `dir`, or `undefined` when there is none. */
export function readCheckpoint(dir: string, fingerprint: string): ServerState | undefined {
  const path = join(dir, CHECKPOINT_FILE);
  if (!existsSync(path)) return undefined;
  return decodeCheckpoint(readFileSync(path), fingerprint, path);
}

/** Removes a finished run's checkpoint: its summary now says all it held. */
export function removeCheckpoint(dir: string): void {
  rmSync(join(dir, CHECKPOINT_FILE), { force: true });
}
