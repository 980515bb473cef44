import { FedtuneError, MemoryStore, SimulatedClients, type PreparedRun, type RunSpec } from '@fedtune/core';
import type { LocalExperiment } from './localExperiment.js';
import { MemorySnapshots } from './memorySnapshots.js';
import { ProtocolViolation } from './protocolViolation.js';

/**
 * One run of the experiment on this client: the run's components and trainers, built exactly as
 * the server's simulation builds them, and one {@link SimulatedClients} for every client id this
 * process holds, whose memory (skip rules, error feedback, compressor state) lasts the whole run —
 * across reconnections — with copies of it as of the server's checkpoints.
 */
export class ClientRun {
  /** Trainings (and their uploads) still under way, awaited before the trainers are released. */
  private readonly pending = new Set<Promise<unknown>>();
  /** Every (round, client, slot) the server assigned in this run: each is trained once. */
  private readonly assigned = new Map<string, number>();
  private readonly snapshots = new MemorySnapshots();
  private playing: SimulatedClients;

  private constructor(
    readonly index: number,
    readonly spec: RunSpec,
    readonly prepared: PreparedRun,
  ) {
    this.playing = this.clientsWith(new MemoryStore());
  }

  /** The run's clients, with the memory the run stands at. */
  get clients(): SimulatedClients {
    return this.playing;
  }

  /**
   * Builds run `index` of `local`, checking that the server's label names the same run.
   * @throws ProtocolViolation for an index beyond the experiment's runs; FedtuneError when the
   *   labels differ (the two sides expand the experiment differently).
   */
  static async start(index: number, label: string, local: LocalExperiment): Promise<ClientRun> {
    const spec = local.runs[index];
    if (spec === undefined) {
      throw new ProtocolViolation('out-of-order', `the server started run ${index}, but the experiment has ${local.runs.length} runs`);
    }
    if (spec.label !== label) {
      throw new FedtuneError(
        `the server calls run ${index} "${label}" but this client calls it "${spec.label}"; ` +
          "the two sides expand the experiment differently: install the server's fedtune version",
      );
    }
    const prepared = await local.prepare(spec);
    return new ClientRun(index, spec, prepared);
  }

  /** Keeps a copy of the clients' memory as it is now, the memory before round `nextRound`. */
  snapshot(nextRound: number): void {
    this.snapshots.take(nextRound, this.playing.memory);
  }

  /**
   * Sets the clients' memory back to what it was before `round` (empty for round 0), as a server
   * that resumed from its checkpoint asks; the rounds from `round` on may be assigned again.
   * Trainings still under way write to the memory they started with, which is then let go.
   * @returns false when no snapshot of that round was kept (this process did not see the server's
   *   checkpoint after it).
   */
  restore(round: number): boolean {
    const memory = round === 0 ? new MemoryStore() : this.snapshots.before(round);
    if (memory === undefined) return false;
    this.snapshots.forgetAfter(round);
    this.playing = this.clientsWith(memory);
    for (const [address, assignedRound] of this.assigned) if (assignedRound >= round) this.assigned.delete(address);
    return true;
  }

  /** Rounds of this run. */
  get rounds(): number {
    return this.spec.experiment.training.rounds;
  }

  /**
   * Records an assignment of this run.
   * @returns false when the server assigned that round, client and slot before.
   */
  claim(round: number, clientId: number, slot: number): boolean {
    const address = `${round}/${clientId}/${slot}`;
    if (this.assigned.has(address)) return false;
    this.assigned.set(address, round);
    return true;
  }

  /** Keeps `work` (a training and its upload) until it settles, so {@link close} waits for it. */
  track(work: Promise<unknown>): void {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.pending.add(settled);
    void settled.then(() => this.pending.delete(settled));
  }

  private clientsWith(memory: MemoryStore): SimulatedClients {
    const { components, modelOf } = this.prepared;
    return new SimulatedClients({ seed: this.spec.experiment.seed, components, modelOf }, memory);
  }

  /** Waits for trainings under way, then releases the trainers. */
  async close(): Promise<void> {
    await Promise.all(this.pending);
    await this.prepared.close();
  }
}
