import type { MissingUpdate, ReceivedUpdate } from '../contracts/aggregator.js';
import type { EncodeContext } from '../contracts/compressor.js';
import type { ClientData, FeatureSet } from '../data/types.js';
import { FedtuneError, NonFiniteError, PayloadError } from '../errors.js';
import type { LocalTrainer } from '../model/trainer.js';
import { type RandomKey, RandomStreams } from '../random/counterRandom.js';
import { encodeFloat32Payload } from '../builtins/compressors/noneCompressor.js';
import type { RunComponents } from './components.js';
import type { LedgerRow } from './ledger.js';
import { MemoryStore } from './memoryStore.js';
import { findUpdateProblem } from './updateValidation.js';

/** Everything one federated run needs besides its components. */
export interface RoundLoopInput {
  seed: number;
  rounds: number;
  evaluateEvery: number;
  clients: readonly ClientData[];
  test: FeatureSet;
  testIndices: Uint32Array | undefined;
  trainer: LocalTrainer;
  /** The adapter's diagnostics of the global parameters, logged on evaluated rounds. */
  metrics?: ((global: Float32Array) => Record<string, number>) | undefined;
  initialGlobal: Float32Array;
  components: RunComponents;
  /** Called after each round with its ledger row. */
  onRound: (row: LedgerRow) => void;
  log: (line: string) => void;
}

/** What a client did in a round, before the server sees anything. */
type ClientOutcome =
  | { kind: 'skipped'; loss: number; samples: number }
  | { kind: 'rejected'; loss: number; samples: number; reason: string }
  | { kind: 'sent'; loss: number; samples: number; payload: Uint8Array };

/**
 * The round loop of DESIGN.md: sample → broadcast → local training → upload decision → encode →
 * channel → decode → validate → aggregate → evaluate → ledger row. Returns the final global vector.
 * Clients are processed in ascending id order, so a run is a pure function of its seed.
 */
export async function runRounds(input: RoundLoopInput): Promise<Float32Array> {
  const { components, seed } = input;
  const { backend, selector, compressor, channel, aggregator } = components;
  const clientMemory = new MemoryStore();
  const serverMemory = new MemoryStore();
  const clientIds = input.clients.map((c) => c.clientId);
  const length = input.initialGlobal.length;
  let global: Float32Array = input.initialGlobal.slice();
  let previousGlobal = global;

  for (let round = 0; round < input.rounds; round++) {
    const started = performance.now();
    const key = (client: number, stream: number): RandomKey => ({ seed, round, client, stream });
    const forced = aggregator.forcesFullRound?.(round) ?? false;
    const participants = forced
      ? clientIds.slice()
      : selector.sample({ round, clientIds, random: key(0, RandomStreams.clientSampling) });
    const downlinkPayload = encodeFloat32Payload(global);

    const received: ReceivedUpdate[] = [];
    const missing: MissingUpdate[] = [];
    let uploaded = 0;
    let uplinkBytes = 0;
    let lossSum = 0;
    let sampleSum = 0;

    for (const clientId of participants) {
      const client = input.clients[clientId];
      if (!client) throw new FedtuneError(`selector ${selector.name} sampled unknown client ${clientId}`);
      const outcome = await trainClient(input, client, round, global, previousGlobal, clientMemory, forced);
      lossSum += outcome.loss * outcome.samples;
      sampleSum += outcome.samples;
      if (outcome.kind === 'skipped') {
        missing.push({ clientId, numSamples: outcome.samples, reason: 'skipped' });
        continue;
      }
      if (outcome.kind === 'rejected') {
        input.log(`round ${round}: client ${clientId} rejected: ${outcome.reason}`);
        missing.push({ clientId, numSamples: outcome.samples, reason: 'rejected' });
        continue;
      }
      uploaded++;
      uplinkBytes += outcome.payload.byteLength;
      const delivered =
        forced || channel.delivers(clientId, round, outcome.payload.byteLength, key(clientId, RandomStreams.channel));
      if (!delivered) {
        missing.push({ clientId, numSamples: outcome.samples, reason: 'lost' });
        continue;
      }
      const decoded = decodeOnServer(input, outcome.payload, length, round, clientId, serverMemory);
      if (typeof decoded === 'string') {
        input.log(`round ${round}: update of client ${clientId} rejected: ${decoded}`);
        missing.push({ clientId, numSamples: outcome.samples, reason: 'rejected' });
        continue;
      }
      received.push({ clientId, update: decoded, numSamples: outcome.samples });
    }

    const next = aggregator.aggregate({
      round,
      global,
      received,
      missing,
      clientIds,
      backend,
      memoryOf: (clientId) => serverMemory.of('aggregator', clientId),
    });
    const problem = findUpdateProblem(next, length);
    if (problem) throw new FedtuneError(`aggregator ${aggregator.name} produced a global model that ${problem}`);
    previousGlobal = global;
    global = next;

    const evaluate = (round + 1) % input.evaluateEvery === 0 || round === input.rounds - 1;
    const evaluation = evaluate ? await input.trainer.evaluate(global, input.test, input.testIndices) : undefined;
    const metrics = evaluate ? input.metrics?.(global) : undefined;
    input.onRound({
      round,
      participants: participants.length,
      uploaded,
      skipped: missing.filter((m) => m.reason === 'skipped').length,
      lost: missing.filter((m) => m.reason === 'lost').length,
      rejected: missing.filter((m) => m.reason === 'rejected').length,
      uplinkBytes,
      downlinkBytes: downlinkPayload.byteLength * participants.length,
      trainLoss: sampleSum > 0 ? lossSum / sampleSum : 0,
      testAccuracy: evaluation ? evaluation.accuracy : null,
      testLoss: evaluation ? evaluation.loss : null,
      wallMs: performance.now() - started,
      ...(metrics ? { metrics } : {}),
    });
  }
  return global;
}

/** Local training, the skip rule and encoding: everything that happens on the client. */
async function trainClient(
  input: RoundLoopInput,
  client: ClientData,
  round: number,
  global: Float32Array,
  previousGlobal: Float32Array,
  memory: MemoryStore,
  forced: boolean,
): Promise<ClientOutcome> {
  const { backend, selector, compressor } = input.components;
  const clientId = client.clientId;
  const samples = client.indices.length;
  let trained;
  try {
    trained = await input.trainer.train(global, client, {
      seed: input.seed,
      round,
      client: clientId,
      stream: RandomStreams.batchShuffle,
    });
  } catch (error) {
    // A client whose training diverged sends nothing usable; the federation goes on without it.
    if (error instanceof NonFiniteError) return { kind: 'rejected', loss: 0, samples, reason: error.message };
    throw error;
  }
  const loss = trained.meanLoss;
  const update = backend.axpy(-1, global, trained.parameters);
  const upload =
    forced ||
    selector.shouldUpload({
      round,
      clientId,
      update,
      global,
      previousGlobal: round === 0 ? global : previousGlobal,
      backend,
      memory: memory.of('selector', clientId),
    });
  if (!upload) return { kind: 'skipped', loss, samples };
  const context: EncodeContext = {
    seed: input.seed,
    round,
    clientId,
    backend,
    memory: memory.of('compressor', clientId),
    trainLoss: loss,
  };
  return { kind: 'sent', loss, samples, payload: compressor.encode(update, context) };
}

/** Decodes and validates one upload; a string return is why it was rejected. */
function decodeOnServer(
  input: RoundLoopInput,
  payload: Uint8Array,
  length: number,
  round: number,
  clientId: number,
  memory: MemoryStore,
): Float32Array | string {
  const { backend, compressor } = input.components;
  let decoded: Float32Array;
  try {
    decoded = compressor.decode(payload, length, {
      seed: input.seed,
      round,
      clientId,
      backend,
      memory: memory.of('compressor', clientId),
    });
  } catch (error) {
    if (error instanceof PayloadError || error instanceof NonFiniteError) return error.message;
    throw error;
  }
  return findUpdateProblem(decoded, length) ?? decoded;
}
