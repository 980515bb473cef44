import { slotKey } from '../contracts/aggregator.js';
import type { UpdateScreen } from '../experiment/schema.js';
import { slotComponent, type MemoryStore } from './memoryStore.js';
import { type ScreenedNorms, screenUpdates } from './updateScreen.js';

const SCOPE = 'updateScreen';
const LATEST_NORM = 'latestNorm';

/** A client's adapter slot. */
export interface SlotRef {
  clientId: number;
  slot: number;
}

/**
 * The update screen of a run, round after round. Relative to the median update it remembers each
 * slot's latest update norm in the server's memory (so checkpoints carry it), and compares each
 * round with those of the slots that sent nothing. Screened-out norms are remembered too: should
 * honest updates ever grow past the screen, its median follows them once half the slots have sent,
 * rather than refusing them for good.
 */
export class RoundScreen {
  constructor(
    private readonly screen: UpdateScreen,
    private readonly memory: MemoryStore,
    /** Every slot of the federation, in client and slot order. */
    private readonly slots: readonly SlotRef[],
  ) {}

  /** Why each of this round's decoded updates is rejected, or `undefined`; see {@link screenUpdates}. */
  check(updates: readonly { slot: SlotRef; norms: ScreenedNorms }[]): (string | undefined)[] {
    const remembers = this.screen !== 'off' && this.screen.relativeTo === 'median-update';
    const earlier = remembers ? this.latestNormsBesides(updates.map((u) => u.slot)) : [];
    const reasons = screenUpdates(this.screen, updates.map((u) => u.norms), earlier);
    if (remembers) for (const { slot, norms } of updates) this.scope(slot).set(LATEST_NORM, norms.update);
    return reasons;
  }

  private latestNormsBesides(present: readonly SlotRef[]): number[] {
    const skip = new Set(present.map((s) => slotKey(s.clientId, s.slot)));
    return this.slots.flatMap((slot) => {
      const norm = skip.has(slotKey(slot.clientId, slot.slot)) ? undefined : this.scope(slot).get(LATEST_NORM);
      return typeof norm === 'number' ? [norm] : [];
    });
  }

  private scope({ clientId, slot }: SlotRef) {
    return this.memory.of(slotComponent(SCOPE, slot), clientId);
  }
}
