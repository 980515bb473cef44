/**
 * Conditions a component's method was shown to work under. Unlike a `ComponentRequirements`
 * pairing, nothing breaks outside them, so the engine does not refuse the run: it warns at its
 * start, naming the condition, what the run does instead and why it matters.
 */
export interface ComponentAssumptions {
  /**
   * The smallest share of clients sampled per round at which the method was shown to work, and
   * the evidence. The engine compares it with the run selector's `participation`.
   */
  readonly minParticipation?: { readonly fraction: number; readonly reason: string };
}
