import {
  decodeFloat32Payload,
  FedtuneError,
  indexLayout,
  type AssignMessage,
  type SlotOutcome,
  type UploadMessage,
} from '@fedtune/core';
import type { ClientRun } from './clientRun.js';
import { ProtocolViolation, protocolText } from './protocolViolation.js';

/**
 * Starts the training an `assign` asks for and returns its `upload`. The training starts at once:
 * the run's clients keep the skip rule and encoding in call order, so assignments may overlap.
 * @param run the run under way, whose index the assignment names, for a client id this connection holds.
 * @throws ProtocolViolation (synchronously) for a round or slot the run does not have, or an
 *   assignment given twice; PayloadError for a start or previous global that is not the client
 *   model's float32 payload.
 * @returns the upload, or rejects when training failed other than by diverging.
 */
export function startAssignment(message: AssignMessage, run: ClientRun): Promise<UploadMessage> {
  const { runIndex, round, clientId, slot: slotIndex } = message;
  if (round >= run.rounds) {
    throw new ProtocolViolation('out-of-order', `the server assigned round ${round}, but run ${runIndex} has ${run.rounds} rounds`);
  }
  const slot = run.prepared.clients[clientId]?.slots[slotIndex];
  if (slot === undefined) {
    throw new ProtocolViolation(
      'out-of-order',
      `the server assigned slot ${slotIndex} of client ${clientId}, which has no such slot in run ${runIndex}`,
    );
  }
  if (!run.claim(round, clientId, slotIndex)) {
    throw new ProtocolViolation('out-of-order', `the server assigned round ${round}, client ${clientId}, slot ${slotIndex} twice`);
  }
  const length = indexLayout(run.prepared.modelOf(clientId).layout).size;
  const start = decodeFloat32Payload(message.start, length);
  // Without it, the skip rule does not weigh the previous global, or this is round 0, where it is `start`.
  const previousGlobal = message.previousGlobal === undefined ? start : decodeFloat32Payload(message.previousGlobal, length);
  const outcome = run.clients.run({ round, clientId, slot, start, previousGlobal, forced: message.forced });
  return outcome.then((settled) => uploadFor(message, settled, length));
}

/** The `upload` that answers `assign` with what the client did. */
function uploadFor(assign: AssignMessage, outcome: SlotOutcome, values: number): UploadMessage {
  // Only a network loses a slot; clients in this process always answer.
  if (outcome.kind === 'lost') throw new FedtuneError(`client ${assign.clientId} lost its own slot: ${outcome.reason}`);
  const { runIndex, round, clientId, slot } = assign;
  const fields = { type: 'upload', runIndex, round, clientId, slot, samples: outcome.samples } as const;
  switch (outcome.kind) {
    case 'sent':
      return { ...fields, loss: outcome.loss, outcome: 'sent', values: outcome.values, payload: outcome.payload };
    case 'skipped':
      return { ...fields, loss: outcome.loss, outcome: 'skipped', values };
    case 'rejected':
      // The protocol's loss field must be finite; a diverged slot has no loss, sends 0, and the server ignores it.
      return { ...fields, loss: 0, outcome: 'diverged', values, reason: protocolText(outcome.reason) };
  }
}
