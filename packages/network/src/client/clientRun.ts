import { FedtuneError, MemoryStore, prepareRun, SimulatedClients, type PreparedRun, type RunSpec } from '@fedtune/core';
import type { LocalExperiment } from './localExperiment.js';
import { ProtocolViolation } from './protocolViolation.js';

/**
 * One run of the experiment on this client: the run's components and trainers, built exactly as
 * the server's simulation builds them, and one {@link SimulatedClients} for every client id this
 * process holds, whose memory (skip rules, error feedback, compressor state) lasts the whole run.
 */
export class ClientRun {
  /** Trainings (and their uploads) still under way, awaited before the trainers are released. */
  private readonly pending = new Set<Promise<unknown>>();
  /** Every (round, client, slot) the server assigned in this run: each is trained once. */
  private readonly assigned = new Set<string>();

  private constructor(
    readonly index: number,
    readonly spec: RunSpec,
    readonly prepared: PreparedRun,
    readonly clients: SimulatedClients,
  ) {}

  /**
   * Builds run `index` of `local`, checking that the server's label names the same run.
   * @throws ProtocolViolation for an index beyond the experiment's runs; FedtuneError when the
   *   labels differ (the two sides expand the experiment differently).
   */
  static async start(index: number, label: string, local: LocalExperiment, resolveFrom: string): Promise<ClientRun> {
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
    const prepared = await prepareRun(spec, local.federation, { container: local.container, workers: 1, resolveFrom });
    const { seed } = spec.experiment;
    const clients = new SimulatedClients({ seed, components: prepared.components, modelOf: prepared.modelOf }, new MemoryStore());
    return new ClientRun(index, spec, prepared, clients);
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
    this.assigned.add(address);
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

  /** Waits for trainings under way, then releases the trainers. */
  async close(): Promise<void> {
    await Promise.all(this.pending);
    await this.prepared.close();
  }
}
