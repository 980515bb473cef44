import { ConfigError, storedScalar, type Backend, type UploadContext } from '@fedtune/core';
import { gridUploadOf } from './gridUpload.js';
import type { InnovationQuantisation } from './innovationQuantiser.js';

const STALENESS_KEY = 'staleness';
const LAST_ERROR_KEY = 'lastErrorNorm2';

/** What a skip rule weighs: the upload the compressor would send, against the client's last one. */
export interface UploadCandidate {
  upload: InnovationQuantisation;
  lastUpload: Float32Array;
  /** ‖Q(g) − q_m‖², the quantised innovation. */
  innovationNorm2: number;
  /** ‖ε‖² = ‖Q(g) − g‖², this upload's quantisation error. */
  errorNorm2: number;
  /** ‖ε‖² of the client's last upload (0 before the first). */
  lastErrorNorm2: number;
}

/** The rule proper: true when the candidate is worth sending. */
export type ExceedsThreshold = (candidate: UploadCandidate, context: UploadContext) => boolean;

/** Which selector judges the uploads of which compressor, for the pairing check and its errors. */
export interface LazyRulePairing {
  selector: string;
  compressor: string;
}

/**
 * The decision every lazy rule shares, around its own threshold: skip when the update equals the
 * last upload (nothing new to send); upload when the client never uploaded or has skipped
 * `maxStaleness` (C) times since its last upload; otherwise ask `exceedsThreshold`. The candidate
 * is the upload the compressor prepared ({@link UploadContext.prepared}), so the rule judges exactly
 * what would be sent; the compressor keeps q_m, the rule only its own staleness and last error.
 * @throws CheckpointError when the rule's memory holds a staleness that is not a whole number or a
 *   last error that is not a finite number (a damaged checkpoint).
 */
export function decideLazyUpload(
  context: UploadContext,
  pairing: LazyRulePairing,
  maxStaleness: number,
  exceedsThreshold: ExceedsThreshold,
): boolean {
  const { backend, memory, update } = context;
  const prepared = gridUploadOf(context, pairing.selector, pairing.compressor);
  const { lastUpload } = prepared;
  const staleness = storedScalar(memory, STALENESS_KEY, { integer: true }) ?? 0;
  if (backend.normInf(backend.axpy(-1, lastUpload, update)) === 0) {
    memory.set(STALENESS_KEY, staleness + 1);
    return false;
  }
  const upload = prepared.quantisation;
  const candidate: UploadCandidate = {
    upload,
    lastUpload,
    innovationNorm2: squaredNorm(backend, backend.axpy(-1, lastUpload, upload.quantised)),
    errorNorm2: squaredNorm(backend, backend.axpy(-1, update, upload.quantised)),
    lastErrorNorm2: storedScalar(memory, LAST_ERROR_KEY) ?? 0,
  };
  const send = prepared.firstUpload || staleness >= maxStaleness || exceedsThreshold(candidate, context);
  if (send) {
    memory.set(LAST_ERROR_KEY, candidate.errorNorm2);
    memory.set(STALENESS_KEY, 0);
  } else {
    memory.set(STALENESS_KEY, staleness + 1);
  }
  return send;
}

/** ‖θ^k − θ^{k−1}‖², from the exact last two global models the engine hands the client. */
export function globalStepNorm2(context: UploadContext): number {
  if (context.previousGlobal === undefined) {
    throw new ConfigError('the lazy skip rules weigh the last global step, but the upload context has no previousGlobal; the selector declares usesPreviousGlobal, so a caller must set it');
  }
  return squaredNorm(context.backend, context.backend.axpy(-1, context.previousGlobal, context.global));
}

function squaredNorm(backend: Backend, x: Float32Array): number {
  const norm = backend.norm2(x);
  return norm * norm;
}
