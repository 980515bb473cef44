// What every benchmark report shares: the median statistic, the machine it ran on, and where the
// JSON goes (bench/results/ at the repository root).
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** CPU, cores, memory, platform and Node of this machine, with how busy it was. */
export function machineInfo() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    // Other work on a shared machine slows every figure; the load average says how busy it was.
    loadAverage: os.loadavg().map((load) => Math.round(load * 100) / 100),
  };
}

/** Writes `report` as bench/results/<name>.json at the repository root; returns the file's path. */
export async function writeBenchResults(name, report) {
  const resultsDir = fileURLToPath(new URL('../../../bench/results/', import.meta.url));
  await mkdir(resultsDir, { recursive: true });
  const path = `${resultsDir}${name}.json`;
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}
