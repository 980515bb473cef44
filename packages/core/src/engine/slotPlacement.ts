import { type SlotGroup, slotKey } from '../contracts/aggregator.js';
import { FedtuneError } from '../errors.js';
import { findUpdateProblem } from './updateValidation.js';

/**
 * Which parameters each adapter slot starts the next round from, and which slots share them: the
 * global model's group (number 0: every slot no aggregator group lists) and each
 * {@link SlotGroup} (numbers 1, 2, …). Evaluation and checkpoints read the group numbers, never
 * whether two slots happen to hold the same array.
 */
export class SlotPlacement {
  private readonly groupBySlot = new Map<string, number>();

  /**
   * @param context.who names where the placement comes from in errors: `aggregator tac`, `the checkpoint`.
   * @throws FedtuneError when a group's parameters are not a finite vector of `length` values, or a
   *   group lists a slot that is unknown or already in another group.
   */
  constructor(
    readonly global: Float32Array,
    readonly groups: readonly SlotGroup[],
    context: { length: number; knownSlots: ReadonlySet<string>; who: string },
  ) {
    const { who } = context;
    const problem = findUpdateProblem(global, context.length);
    if (problem) throw new FedtuneError(`${who}: the global model ${problem}`);
    groups.forEach((group, index) => {
      const groupProblem = findUpdateProblem(group.parameters, context.length);
      if (groupProblem) throw new FedtuneError(`${who}: the parameters of slot group ${index} ${groupProblem}`);
      for (const slot of group.slots) {
        if (!context.knownSlots.has(slot)) {
          throw new FedtuneError(`${who}: slot group ${index} lists slot "${slot}", which no client trains`);
        }
        if (this.groupBySlot.has(slot)) {
          throw new FedtuneError(`${who}: slot "${slot}" is in two groups; a slot starts from one set of parameters`);
        }
        this.groupBySlot.set(slot, index + 1);
      }
    });
  }

  /** The group a slot belongs to: 0 for the global model's, `i + 1` for `groups[i]`. */
  groupOf(clientId: number, slot: number): number {
    return this.groupBySlot.get(slotKey(clientId, slot)) ?? 0;
  }

  /** What the slot starts the next round from. */
  parametersOf(clientId: number, slot: number): Float32Array {
    return this.parametersOfGroup(this.groupOf(clientId, slot));
  }

  /** What the members of group `group` (numbered as {@link groupOf} numbers them) start from. */
  parametersOfGroup(group: number): Float32Array {
    return group === 0 ? this.global : (this.groups[group - 1] as SlotGroup).parameters;
  }
}
