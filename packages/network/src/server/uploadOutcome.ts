import type { SlotOutcome, UploadMessage } from '@fedtune/core';

/** A client's `upload` as the round loop reads it: a diverged training is `rejected`, as in the simulation. */
export function slotOutcomeOf(upload: UploadMessage): SlotOutcome {
  const { loss, samples } = upload;
  switch (upload.outcome) {
    case 'sent':
      return { kind: 'sent', loss, samples, payload: upload.payload, values: upload.values };
    case 'skipped':
      return { kind: 'skipped', loss, samples };
    case 'diverged':
      return { kind: 'rejected', samples, reason: upload.reason };
  }
}
