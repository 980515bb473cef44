import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SlotGroup } from '../contracts/aggregator.js';
import { CheckpointError } from '../errors.js';
import { assertNestingWithin } from '../experiment/nestingDepth.js';
import { writeFileAtomicSync } from '../io/atomicWrite.js';
import { decodeSafetensors, encodeSafetensors, type TensorData } from '../model/formats/safetensors.js';
import { checkpointDigest, DIGEST_KEY, type DigestedTensor } from './checkpointDigest.js';
import { type GroupEntry, type MemoryEntry, type MemorySide, parseCheckpointMetadata, storedNumber } from './checkpointMetadata.js';
import { MemoryStore } from './memoryStore.js';
import { findUpdateProblem } from './updateValidation.js';

/** File name of a run's checkpoint inside its results folder. */
export const CHECKPOINT_FILE = 'checkpoint.safetensors';

const FORMAT = 'fedtune-server-state';
// 2: slots are stored as the aggregator's groups (one tensor per group), not one tensor per slot.
// 3: a digest of every tensor and metadata entry; version 2 files, which have none, are refused
// rather than resumed unchecked.
const VERSION = '3';
const CHANGED = 'the checkpoint was changed or damaged after it was written; start the run again without --resume.';

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

/**
 * A fingerprint of a run's settings: a checkpoint is never applied to another experiment.
 * @throws ConfigError for an experiment nested too deep to serialise (one built in code; files are
 *   refused when loaded).
 */
export function runFingerprint(experiment: unknown): string {
  assertNestingWithin(experiment, 'the experiment');
  return createHash('sha256').update(JSON.stringify(experiment)).digest('hex');
}

/** The state as safetensors: vectors as F32 tensors, the rest in the metadata, sealed by a digest of both. */
export function encodeCheckpoint(state: ServerState, fingerprint: string): Uint8Array {
  const tensors = new Map<string, TensorData & { data: Float32Array }>();
  const vector = (name: string, values: Float32Array): string => {
    tensors.set(name, { shape: [values.length], data: values });
    return name;
  };
  vector('global', state.global);
  vector('previousGlobal', state.previousGlobal);
  const groups: GroupEntry[] = state.groups.map((group, i) => ({ tensor: vector(`group.${i}`, group.parameters), slots: [...group.slots] }));
  const memory: MemoryEntry[] = [];
  const sides: [MemorySide, MemoryStore][] = [
    ['client', state.clientMemory],
    ['server', state.serverMemory],
  ];
  for (const [side, store] of sides) {
    for (const [scope, key, value] of store.entries()) {
      const stored = typeof value === 'number' ? { number: storedNumber(value) } : { tensor: vector(`memory.${memory.length}`, value) };
      memory.push([side, scope, key, stored]);
    }
  }
  const metadata: Record<string, string> = {
    format: FORMAT,
    version: VERSION,
    fingerprint,
    nextRound: String(state.nextRound),
    groups: JSON.stringify(groups),
    memory: JSON.stringify(memory),
  };
  return encodeSafetensors(tensors, { ...metadata, [DIGEST_KEY]: checkpointDigest(tensors, metadata) });
}

/**
 * The state a checkpoint holds; a {@link CheckpointError} when the bytes are not a checkpoint of
 * this format, were changed or damaged after they were written (their digest differs), belong to
 * another experiment (`fingerprint` differs), hold a non-finite model or NaN in memory, or (when
 * `parameters` is given) a model that is not of the run's `parameters` values.
 */
export function decodeCheckpoint(bytes: Uint8Array, fingerprint: string, source: string, parameters?: number): ServerState {
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
  const floats = new Map<string, DigestedTensor>();
  for (const [name, tensor] of tensors) {
    // The writer stores F32 only; another dtype would be widened to the same Float32Array and slip past the digest.
    if (tensor.dtype !== 'F32' || !(tensor.data instanceof Float32Array)) {
      throw new CheckpointError(`${source}: tensor "${name}" has dtype ${tensor.dtype}, not F32; ${CHANGED}`);
    }
    floats.set(name, { shape: tensor.shape, data: tensor.data });
  }
  if (metadata[DIGEST_KEY] !== checkpointDigest(floats, metadata)) {
    throw new CheckpointError(`${source} does not match its digest: ${CHANGED}`);
  }
  if (metadata['fingerprint'] !== fingerprint) {
    throw new CheckpointError(
      `${source} was written by a run with other settings; resume with the experiment that wrote it, or start again without --resume.`
    );
  }
  const nextRound = Number(metadata['nextRound']);
  if (!Number.isSafeInteger(nextRound) || nextRound < 0) {
    throw new CheckpointError(`${source} records round ${metadata['nextRound']}; ${CHANGED}`);
  }
  const { groups, memory } = parseCheckpointMetadata(metadata, source);
  const tensor = (name: string, what: string): Float32Array => {
    const values = floats.get(name)?.data;
    if (values === undefined) throw new CheckpointError(`${source} lacks the tensor "${name}" (${what}); ${CHANGED}`);
    return values;
  };
  const nonFinite = (name: string, what: string, problem: string) =>
    new CheckpointError(
      `${source} holds non-finite values: tensor "${name}" (${what}) ${problem}. A run resumed from it would go on from a broken ` +
        'state; start the run again without --resume.',
    );
  // The server never keeps a non-finite model: it refuses such aggregates before they are checkpointed.
  const model = (name: string, what: string): Float32Array => {
    const values = tensor(name, what);
    if (parameters !== undefined && values.length !== parameters) {
      throw new CheckpointError(`${source}: tensor "${name}" (${what}) has ${values.length} values, the run's model has ${parameters}; ${CHANGED}`);
    }
    const problem = findUpdateProblem(values, values.length);
    if (problem !== undefined) throw nonFinite(name, what, problem);
    return values;
  };
  // Components may keep ±Infinity in memory (an unknown distance), never NaN, which poisons what it touches.
  const memoryTensor = (name: string, what: string): Float32Array => {
    const values = tensor(name, what);
    const index = values.findIndex(Number.isNaN);
    if (index >= 0) throw nonFinite(name, what, `holds NaN at index ${index}`);
    return values;
  };
  const entries = (side: MemorySide) =>
    memory
      .filter((entry) => entry[0] === side)
      .map(([, scope, key, value]) =>
        [scope, key, 'tensor' in value ? memoryTensor(value.tensor, `${side} memory "${key}" of ${scope}`) : Number(value.number)] as const,
      );
  return {
    nextRound,
    global: model('global', 'the global model'),
    previousGlobal: model('previousGlobal', 'the previous global model'),
    groups: groups.map((group, i) => ({ parameters: model(group.tensor, `slot group ${i}`), slots: group.slots })),
    clientMemory: MemoryStore.fromEntries(entries('client')),
    serverMemory: MemoryStore.fromEntries(entries('server')),
  };
}

/** Writes the checkpoint atomically: a stop mid-write leaves the previous one whole. */
export function writeCheckpoint(dir: string, state: ServerState, fingerprint: string): void {
  writeFileAtomicSync(join(dir, CHECKPOINT_FILE), encodeCheckpoint(state, fingerprint));
}

/**
 * The checkpoint in `dir`, or `undefined` when there is none.
 * @param parameters the run's parameter count, which every model in the checkpoint must have.
 * @throws CheckpointError as {@link decodeCheckpoint} does, or when the file cannot be read.
 */
export function readCheckpoint(dir: string, fingerprint: string, parameters?: number): ServerState | undefined {
  const path = join(dir, CHECKPOINT_FILE);
  const stats = statSync(path, { throwIfNoEntry: false });
  if (stats === undefined) return undefined;
  if (!stats.isFile()) {
    throw new CheckpointError(`${path} is not a file; remove it to resume with this run started over, or start the run again without --resume.`);
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new CheckpointError(
      `${path} cannot be read (${(error as Error).message}); check its permissions, or start the run again without --resume.`,
      { cause: error },
    );
  }
  return decodeCheckpoint(bytes, fingerprint, path, parameters);
}

/** Removes a finished run's checkpoint: its summary now says all it held. */
export function removeCheckpoint(dir: string): void {
  rmSync(join(dir, CHECKPOINT_FILE), { force: true });
}
