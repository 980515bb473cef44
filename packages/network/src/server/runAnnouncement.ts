import type { RunStartMessage } from '@fedtune/core';
import type { ClientConnection } from './clientConnection.js';
import type { ConnectionRegistry } from './connectionRegistry.js';

/**
 * The run under way and who has heard of it from this server. A client id that hears of the run
 * for the first time is told the round its memory of the run must stand at (`restoreRound`: 0 for
 * a fresh run, the checkpoint's round for a resumed one); a client id that rejoins after a cut
 * connection keeps the memory it has, so it is told only which run goes on.
 */
export class RunAnnouncement {
  private run: RunStartMessage | undefined;
  private readonly told = new Set<number>();

  constructor(private readonly registry: ConnectionRegistry) {}

  /** The run under way, if any. */
  get runIndex(): number | undefined {
    return this.run?.runIndex;
  }

  /** A run begins from `firstRound`: every connected client sets its memory to that round's. */
  begin(runIndex: number, label: string, firstRound: number): void {
    this.run = { type: 'runStart', runIndex, label, restoreRound: firstRound };
    this.told.clear();
    for (const connection of this.registry.connections) this.tell(connection);
  }

  /** Catches a connection that joins mid-run up with the run under way. */
  tell(connection: ClientConnection): void {
    const run = this.run;
    if (run === undefined) return;
    const rejoin = connection.clientIds.every((id) => this.told.has(id));
    connection.send(rejoin ? { type: 'runStart', runIndex: run.runIndex, label: run.label } : run);
    for (const id of connection.clientIds) this.told.add(id);
  }
}
