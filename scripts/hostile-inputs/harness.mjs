// Runs one catalogue input as its own `fedtune` process and says how it ended: a heap cap, a
// resident-memory watch and a hang timeout bound every input, and the outcome is read from the exit
// status, stderr and the files the input left behind.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CLI } from './fixtures.mjs';

/** Heap cap of every fedtune process (MB), as `--max-old-space-size`. */
export const HEAP_CAP_MB = 768;
/** Resident memory (MB) above which the process is killed and counted as a crash. */
export const RSS_CAP_MB = 1536;
/** Default seconds before an input counts as a hang. */
export const HANG_TIMEOUT_S = 120;
/** Bound on a clear error message. */
export const STDERR_BOUND = 4096;
/** Bytes of each stream kept in memory; the total is counted past it. */
const CAPTURE_BYTES = 256 * 1024;

/**
 * Spawns `node --max-old-space-size=768 packages/cli/dist/main.js ...args` in `cwd` and resolves with
 * how it ended. `killWhen` is polled while it runs; once it returns true the runner kills the process
 * on purpose (a simulated crash), which is then not counted as a crash.
 */
export function runFedtune({ args, cwd, env, timeoutS = HANG_TIMEOUT_S, killWhen }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_CAP_MB}`, CLI, ...args], {
      cwd,
      env: { ...process.env, FORCE_COLOR: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const streams = { stdout: capture(), stderr: capture() };
    child.stdout.on('data', (chunk) => streams.stdout.add(chunk));
    child.stderr.on('data', (chunk) => streams.stderr.add(chunk));
    let peakRssMb = 0;
    let killedFor;
    const kill = (why) => {
      if (killedFor !== undefined) return;
      killedFor = why;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const watch = setInterval(() => {
      const rss = residentMb(child.pid);
      if (rss > peakRssMb) peakRssMb = rss;
      if (rss > RSS_CAP_MB) kill('memory');
      else if (killWhen !== undefined && killedFor === undefined) {
        try {
          if (killWhen()) kill('planned');
        } catch {
          // The condition reads files the run is still writing: ask again next time.
        }
      }
    }, 100);
    const timer = setTimeout(() => kill('timeout'), timeoutS * 1000);
    child.on('error', (error) => streams.stderr.add(Buffer.from(`spawn failed: ${error.message}`)));
    child.on('close', (code, signal) => {
      clearInterval(watch);
      clearTimeout(timer);
      resolve({
        code,
        signal,
        killedFor,
        peakRssMb,
        durationMs: Date.now() - started,
        stdout: streams.stdout.text(),
        stdoutBytes: streams.stdout.total,
        stderr: streams.stderr.text(),
        stderrBytes: streams.stderr.total,
      });
    });
  });
}

function capture() {
  const chunks = [];
  let kept = 0;
  return {
    total: 0,
    add(chunk) {
      this.total += chunk.length;
      if (kept < CAPTURE_BYTES) {
        chunks.push(chunk.subarray(0, CAPTURE_BYTES - kept));
        kept += Math.min(chunk.length, CAPTURE_BYTES - kept);
      }
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

function residentMb(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? 0 : Number(match[1]) / 1024;
  } catch {
    return 0;
  }
}

/**
 * Why stderr is not one clear, bounded fedtune error, or undefined when it is: exactly one line
 * starting `error:`, no stack frames, no "unexpected error" note, under {@link STDERR_BOUND} bytes.
 */
function stderrProblem(result) {
  if (result.stderrBytes >= STDERR_BOUND) return `stderr is ${result.stderrBytes} bytes, not bounded`;
  const lines = result.stderr.split('\n');
  if (lines.some((line) => /^\s+at /.test(line))) return 'stderr holds a stack trace';
  if (/unexpected error/i.test(result.stderr)) return 'an unexpected error';
  const errors = lines.filter((line) => line.startsWith('error:')).length;
  if (errors !== 1) return `stderr holds ${errors} "error:" lines, not one`;
  return undefined;
}

/** How a process ended, when that alone decides the outcome (a hang or a crash); else undefined. */
function abnormalEnd(result) {
  if (result.killedFor === 'timeout') return { outcome: 'hang', reason: 'no exit within the timeout' };
  if (result.killedFor === 'memory') return { outcome: 'crash', reason: `resident memory over ${RSS_CAP_MB} MB` };
  if (result.killedFor === 'planned') return undefined;
  if (result.signal !== null) return { outcome: 'crash', reason: `killed by ${result.signal}` };
  if (/JavaScript heap out of memory|Allocation failed/.test(result.stderr)) return { outcome: 'crash', reason: 'out of memory' };
  if (result.code !== 0 && result.code !== 2 && !(result.code === 1 && /^error:/m.test(result.stderr))) {
    return { outcome: 'crash', reason: `exit code ${result.code}` };
  }
  return undefined;
}

/**
 * The outcome of one input (see README in run.mjs): `clear`, `handled`, `silent`, `wrong`, `crash`,
 * `hang`, plus `unclear` (refused, but not with one bounded error message or with an exit code the
 * entry does not allow) and `refused` (a clear refusal where acceptance was expected).
 */
export function classify(entry, result, { changed, checkProblem }) {
  const abnormal = abnormalEnd(result);
  if (abnormal !== undefined) return abnormal;
  const problem = result.killedFor === 'planned' ? undefined : stderrProblem(result);
  if (result.killedFor !== 'planned' && result.code !== 0 && problem !== undefined && /stack trace|unexpected error/.test(problem)) {
    return { outcome: 'crash', reason: problem };
  }
  if (entry.expect === 'refused') {
    if (result.code === 0) return { outcome: 'silent', reason: 'exit 0' };
    const allowed = entry.exitCodes ?? [2];
    if (problem !== undefined) return { outcome: 'unclear', reason: problem };
    if (!allowed.includes(result.code)) return { outcome: 'unclear', reason: `exit code ${result.code}, expected ${allowed.join(' or ')}` };
    if (changed !== undefined) return { outcome: 'wrong', reason: `the refusal changed the folder: ${changed}` };
    if (checkProblem !== undefined) return { outcome: 'wrong', reason: checkProblem };
    return { outcome: 'clear' };
  }
  // accepted (or killed on purpose, then judged by its check)
  if (result.killedFor !== 'planned' && result.code !== 0) {
    if (problem === undefined) return { outcome: 'refused', reason: `exit ${result.code} where acceptance was expected` };
    return { outcome: 'unclear', reason: `exit ${result.code}; ${problem}` };
  }
  if (checkProblem !== undefined) return { outcome: 'wrong', reason: checkProblem };
  return { outcome: 'handled' };
}

/**
 * Outcome of two processes run at once where exactly one must be refused (a clear error) and the
 * other must finish (exit 0).
 */
export function classifyPair(results, checkProblem) {
  for (const result of results) {
    const abnormal = abnormalEnd(result);
    if (abnormal !== undefined) return abnormal;
  }
  const ok = results.filter((result) => result.code === 0).length;
  if (ok === results.length) return { outcome: 'silent', reason: `all ${results.length} exited 0` };
  const refused = results.filter((result) => result.code === 2 && stderrProblem(result) === undefined).length;
  if (ok !== 1 || refused !== results.length - 1) {
    return { outcome: 'unclear', reason: `exit codes ${results.map((result) => result.code).join(', ')}` };
  }
  if (checkProblem !== undefined) return { outcome: 'wrong', reason: checkProblem };
  return { outcome: 'clear' };
}

/** Names removed from a folder that a refusal may still remove: what killed runs leave behind. */
const LEFTOVER = /^(\.fedtune\.lock|\.fedtune-replaced-.*|\..+\.\d+\.\d+\.tmp)$/;

/**
 * Every entry under `dir`, by relative path: its type and, for files, a digest of the content.
 * Links are not followed, and pipes and devices are never opened.
 */
export function snapshot(dir) {
  const entries = new Map();
  const walk = (path) => {
    let stats;
    try {
      stats = lstatSync(path);
    } catch {
      return;
    }
    const key = relative(dir, path) || '.';
    if (stats.isSymbolicLink()) entries.set(key, `link ${readlinkSync(path)}`);
    else if (stats.isDirectory()) {
      entries.set(key, 'dir');
      for (const name of readdirSync(path)) walk(join(path, name));
    } else if (stats.isFile()) {
      const digest = createHash('sha1');
      try {
        digest.update(readFileSync(path));
        entries.set(key, `file ${digest.digest('hex')}`);
      } catch {
        entries.set(key, `file ${stats.size} ${stats.mtimeMs}`);
      }
    } else entries.set(key, `special ${stats.mode}`);
  };
  walk(dir);
  return entries;
}

/** What differs between two snapshots (a short description), or undefined when nothing does. */
export function snapshotChange(before, after) {
  const changes = [];
  for (const [key, value] of before) {
    const now = after.get(key);
    if (now === undefined) {
      if (!LEFTOVER.test(key.split('/').at(-1))) changes.push(`removed ${key}`);
    } else if (now !== value) changes.push(`changed ${key}`);
  }
  for (const key of after.keys()) if (!before.has(key)) changes.push(`added ${key}`);
  if (changes.length === 0) return undefined;
  return changes.slice(0, 4).join(', ') + (changes.length > 4 ? ` (+${changes.length - 4} more)` : '');
}
