import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ClusteredAggregator } from '../src/clusteredAggregator.js';
import { parseProjectionLog, ProjectionLog, type ProjectionRecord } from '../src/projectionLog.js';
import { singletonClustering } from '../src/slotClusterings.js';

// Every call into node:fs and node:path, from the sources and this file alike, is recorded and
// then made as usual: a browser client's bundle has stand-ins for them that throw when called.
const builtinCalls = vi.hoisted(() => {
  const calls: string[] = [];
  const recorded = (module: string, exports: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(exports).map(([name, value]) => [
        name,
        typeof value === 'function'
          ? new Proxy(value, { apply: (target, self, args) => (calls.push(`${module}.${name}`), Reflect.apply(target, self, args)) })
          : value,
      ]),
    );
  return { calls, recorded };
});
vi.mock('node:fs', async (original) => builtinCalls.recorded('node:fs', await original()));
vi.mock('node:path', async (original) => builtinCalls.recorded('node:path', await original()));

const record = (round: number): ProjectionRecord => ({
  round,
  explainedVariance: [0.75, 0.25],
  slots: [{ clientId: 0, slot: 0, cluster: 0, x: round, y: 0 }],
});

describe('ProjectionLog touches no Node builtin until it writes', () => {
  let folder: string;
  beforeEach(() => {
    folder = join(mkdtempSync(join(tmpdir(), 'tac-projection-')), 'nested', 'logs');
    builtinCalls.calls.length = 0;
  });

  it('a ClusteredAggregator with projectionDir set is built without calling one', () => {
    new ClusteredAggregator('tac-local', { clustering: singletonClustering, weighting: 'uniform', includeHead: false, projectionDir: folder, seed: 3 });
    new ProjectionLog(folder, 'tac-seed-3.jsonl');
    expect(builtinCalls.calls).toEqual([]);
    expect(existsSync(folder)).toBe(false);
  });

  it('the first write creates the folder and starts the file; later rounds append', () => {
    const log = new ProjectionLog(folder, 'tac-seed-3.jsonl');
    log.write(record(0));
    expect(builtinCalls.calls).toContain('node:fs.mkdirSync');
    log.write(record(1));
    const text = readFileSync(join(folder, 'tac-seed-3.jsonl'), 'utf8');
    expect(parseProjectionLog(text).map((r) => r.round)).toEqual([0, 1]);
  });

  it('a run resumed past round 0 appends, creating a folder that is not there', () => {
    const log = new ProjectionLog(folder, 'tac-seed-3.jsonl');
    log.write(record(4));
    expect(parseProjectionLog(readFileSync(log.path, 'utf8')).map((r) => r.round)).toEqual([4]);
  });

  it('a re-run from round 0 replaces the earlier log', () => {
    new ProjectionLog(folder, 'tac-seed-3.jsonl').write(record(0));
    const rerun = new ProjectionLog(folder, 'tac-seed-3.jsonl');
    rerun.write(record(0));
    expect(parseProjectionLog(readFileSync(rerun.path, 'utf8'))).toEqual([record(0)]);
  });
});
