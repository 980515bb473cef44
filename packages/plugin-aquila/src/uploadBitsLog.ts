import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '@fedtune/core';

/** What a resumed run reads back of its own bits log: far above one run's records (each under 200 bytes). */
const MAX_BITS_LOG_BYTES = 256 * 1024 * 1024;

/**
 * One upload the server decoded: what it cost on the wire, and what AQUILA's own accounting
 * charges for it (b·d, the official code's `Bit[k] += s_k · local_weight_bit`).
 */
export interface UploadBitsRecord {
  round: number;
  clientId: number;
  /** b, the bit width the client's rule chose for this upload. */
  bits: number;
  /** d, the values the upload carries. */
  values: number;
  /** b·d: the bits the paper's accounting counts for this upload (no header, no full-precision values). */
  accountedBits: number;
  /** Bytes of the payload as serialised: what the run's ledger counts under `uplinkBytes`. */
  payloadBytes: number;
}

/**
 * Writes one JSON line per decoded upload to `<folder>/<fileName>`. The first record of a run
 * rewrites the file: a run that starts at round 0 starts it afresh, and a run resumed from a
 * checkpoint keeps only the lines of rounds before its first record (runs are deterministic, so
 * the stopped run's later lines are exactly those the resumed run writes again).
 *
 * No Node builtin runs before the first write: every client of a run builds the compressor too,
 * and a client in a browser has no file system (only the server decodes).
 */
export class UploadBitsLog {
  private resolvedPath: string | undefined;
  private started = false;

  constructor(
    private readonly folder: string,
    private readonly fileName: string,
  ) {}

  /** The log file, `folder` resolved against the working directory when first asked for (then kept). */
  get path(): string {
    return (this.resolvedPath ??= resolve(this.folder, this.fileName));
  }

  /** Notes one decoded upload; its `accountedBits` are `bits · values`. */
  write(upload: Omit<UploadBitsRecord, 'accountedBits'>): void {
    const record: UploadBitsRecord = { ...upload, accountedBits: upload.bits * upload.values };
    const line = `${JSON.stringify(record)}\n`;
    if (!this.started) {
      this.started = true;
      mkdirSync(dirname(this.path), { recursive: true });
      const earlier = record.round > 0 && existsSync(this.path) ? parseUploadBitsLog(readBitsLog(this.path)) : [];
      const kept = earlier.filter((r) => r.round < record.round).map((r) => `${JSON.stringify(r)}\n`);
      writeFileSync(this.path, kept.join('') + line);
      return;
    }
    appendFileSync(this.path, line);
  }
}

/** Reads an upload-bits log back, one record per decoded upload. */
export function parseUploadBitsLog(text: string): UploadBitsRecord[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as UploadBitsRecord);
}

/**
 * The log a resumed run goes on from, checked before it is read: the folder may have been changed
 * (a link to a device, a FIFO, a file grown huge). Core's bounded reader is not used because this
 * plugin also runs in browsers, whose bundle must not pull in core's Node file code.
 */
function readBitsLog(path: string): string {
  const stats = statSync(path);
  if (!stats.isFile() || stats.size > MAX_BITS_LOG_BYTES) {
    throw new ConfigError(
      `${path} is not a bits log this run wrote (${stats.isFile() ? `${stats.size} bytes` : 'not a regular file'}); ` +
        'remove it, or give the row another bitsLogDir, and resume again.',
    );
  }
  return readFileSync(path, 'utf8');
}
