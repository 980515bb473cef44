import { resolve } from 'node:path';
import {
  ConfigError,
  expandRuns,
  readExperimentFile,
  readResumeRecord,
  type ResultsFolderClaim,
  runFingerprint,
  type RunSummary,
} from '@fedtune/core';
import { FederationServer, TokenStore, type TlsCredentials } from '@fedtune/network';
import { displayPath } from '../displayPath.js';
import type { CliIo } from '../io.js';
import { readPemOption } from '../pemFile.js';
import { claimOutDir } from '../outputFolder.js';
import { createRunProgress, type RunProgress } from '../runProgress.js';
import { renderSummaryTable } from '../summaryTable.js';
import { terminalText } from '../terminalText.js';
import { loadExperimentPlugins } from './run.js';

/** Options of `fedtune serve`, as commander parses them. */
export interface ServeCommandOptions {
  listen: ListenAddress;
  tokens: string;
  out: string;
  /** Seconds. */
  roundTimeout: number;
  minClients?: number;
  /** Seconds. */
  startTimeout?: number;
  tlsCert?: string;
  tlsKey?: string;
  checkpointEvery?: number;
  resume?: boolean;
  overwrite?: boolean;
}

/** Where the server listens. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** Serves the experiment until its last round, then prints the summary table. */
export async function serveCommand(file: string, options: ServeCommandOptions, io: CliIo): Promise<void> {
  checkPairs(options);
  const loaded = await readExperimentFile(file);
  const outDir = resolve(options.out);
  // Before plugins and data load: a bad or busy --out fails at once, and no other run writes there.
  const claim = claimOutDir(outDir, { overwrite: options.overwrite, resume: options.resume }, io);
  try {
    await serveClaimed(file, loaded, claim, options, io);
  } finally {
    claim.release();
  }
}

async function serveClaimed(
  file: string,
  loaded: Awaited<ReturnType<typeof readExperimentFile>>,
  claim: ResultsFolderClaim,
  options: ServeCommandOptions,
  io: CliIo,
): Promise<void> {
  const outDir = claim.dir;
  const refuseFrom = options.resume === true ? outDir : undefined;
  const { experiment, container } = await loadExperimentPlugins(loaded.experiment, loaded.dir, io, refuseFrom);
  let checkpointEvery = options.checkpointEvery;
  if (options.resume === true) {
    const record = readResumeRecord(outDir);
    if (runFingerprint(record.experiment) !== runFingerprint(experiment)) {
      throw new ConfigError(
        `${options.out} holds a federation of another experiment than ${file}; resume with the experiment file it was started with, or choose another --out`,
      );
    }
    checkpointEvery ??= record.checkpointEvery;
  }

  // The listening line and joins go straight out while the server waits; once a run starts, lines
  // go through its progress display.
  let progress: RunProgress | undefined;
  // Lines quote what clients sent (reasons, names): printed as text, never as terminal commands.
  const log = (line: string) => (progress === undefined ? io.stdout.write(`${terminalText(line)}\n`) : progress.log(line));
  const labels = expandRuns(experiment).map((run) => run.label);
  const server = await FederationServer.start({
    experiment,
    experimentDir: loaded.dir,
    container,
    tokens: TokenStore.fromFile(options.tokens),
    host: options.listen.host,
    port: options.listen.port,
    outDir,
    roundTimeoutMs: options.roundTimeout * 1000,
    minClients: options.minClients,
    startTimeoutMs: options.startTimeout === undefined ? undefined : options.startTimeout * 1000,
    tls: readTls(options),
    checkpointEvery,
    resume: options.resume,
    overwrite: options.overwrite,
    claim,
    log,
    onRunStart: (label, rounds) => {
      progress ??= createRunProgress(io, labels);
      progress.start(label, rounds);
    },
    onRound: (event) => progress?.round(event),
  });
  let summaries: RunSummary[];
  try {
    summaries = await server.summaries;
  } finally {
    progress?.stop();
  }
  io.stdout.write(`${renderSummaryTable(summaries)}\nresults: ${displayPath(outDir)}\n`);
}

/** Options that only work together. */
function checkPairs(options: ServeCommandOptions): void {
  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) {
    throw new ConfigError('--tls-cert and --tls-key go together: give the certificate and its private key, or neither to serve ws://');
  }
  if ((options.minClients === undefined) !== (options.startTimeout === undefined)) {
    throw new ConfigError(
      '--min-clients and --start-timeout go together: the server waits --start-timeout seconds for every client, then starts with --min-clients; give both, or neither to wait for every client',
    );
  }
  if (options.resume === true && options.overwrite === true) {
    throw new ConfigError('--resume goes on with the results in --out and --overwrite replaces them; drop one');
  }
}

function readTls(options: ServeCommandOptions): TlsCredentials | undefined {
  if (options.tlsCert === undefined || options.tlsKey === undefined) return undefined;
  return { cert: readPemOption('--tls-cert', 'certificate', options.tlsCert), key: readPemOption('--tls-key', 'private key', options.tlsKey) };
}
