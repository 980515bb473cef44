import { FedtuneError } from '@fedtune/core';

/**
 * The error for a run this process cannot go on with: the server needs its clients' memory (skip
 * rules, error feedback) as of a round this process kept no copy of. That memory lives only on
 * clients, so a restarted client process, or one that missed the checkpoint, has lost it.
 * @param restoreRound the round the server goes on from; undefined when it goes on mid-run with a
 *   client it already played this run with.
 */
export function memoryLost(runIndex: number, label: string, restoreRound: number | undefined): FedtuneError {
  const wanted =
    restoreRound === undefined
      ? `goes on with run ${runIndex} ("${label}"), which this process has not played`
      : `went on with run ${runIndex} ("${label}") from its checkpoint before round ${restoreRound}, and this process kept no copy of its clients' memory from then`;
  return new FedtuneError(
    `the server ${wanted}: the memory of skip rules and error feedback lives only on clients and was lost with the process that held it ` +
      '(a restarted client, or one that missed the checkpoint), so these clients cannot go on with the run; ' +
      'the server counts them lost. To run every client as the simulation does, start the federation again without --resume',
  );
}
