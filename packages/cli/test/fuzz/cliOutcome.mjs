// @ts-check
/**
 * `fedtune` called in this process, and the two outcomes hostile input may have: success (exit 0),
 * or a refusal (exit 2) that prints one bounded `error: ...` paragraph and no stack trace.
 */
import { Writable } from 'node:stream';
import { main } from '../../dist/index.js';

/** The longest error paragraph accepted: messages quote bounded excerpts of the input, never all of it. */
export const MAX_ERROR_LENGTH = 4_000;
/** The longest note line (`skipped DIR: reason`, `warning: ...`) that report and compare print. */
const MAX_NOTE_LENGTH = 2_000;
/** Notes that `report` and `compare` print about folders they skip or find odd, before any error. */
const NOTE = /^(skipped |warning: )/;
const STACK_LINE = /^\s+at \S/;

/** A stream that keeps what is written to it. */
class CapturedStream extends Writable {
  text = '';

  /**
   * @param {Buffer | string} chunk
   * @param {BufferEncoding} _encoding
   * @param {() => void} done
   */
  _write(chunk, _encoding, done) {
    this.text += chunk.toString();
    done();
  }
}

/**
 * Runs `fedtune` with `argv` in this process.
 * @param {string[]} argv
 * @returns {Promise<{ code: number; stdout: string; stderr: string }>}
 */
export async function runCli(argv) {
  const stdout = new CapturedStream();
  const stderr = new CapturedStream();
  const code = await main(argv, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/**
 * What is wrong with how `fedtune` ended, or `undefined` when it succeeded or refused the input as
 * it should.
 * @param {{ code: number; stderr: string }} result
 * @returns {string | undefined}
 */
export function outcomeProblem({ code, stderr }) {
  if (code !== 0 && code !== 2) return `exit code ${code}; hostile input must give 0 or 2`;
  if (stderr !== '' && !stderr.endsWith('\n')) return 'stderr does not end with a line feed';
  const lines = stderr === '' ? [] : stderr.slice(0, -1).split('\n');
  const firstError = lines.findIndex((line) => !NOTE.test(line));
  const notes = firstError === -1 ? lines : lines.slice(0, firstError);
  const longNote = notes.find((line) => line.length > MAX_NOTE_LENGTH);
  if (longNote !== undefined) return `a note of ${longNote.length} characters, over ${MAX_NOTE_LENGTH}`;
  if (code === 0) return firstError === -1 ? undefined : 'exit 0 with an error on stderr';
  if (firstError === -1) return 'exit 2 without an error message';
  const paragraph = lines.slice(firstError);
  if (!paragraph[0]?.startsWith('error: ')) return 'stderr holds something other than notes and one "error: " paragraph';
  if (paragraph.some((line) => STACK_LINE.test(line))) return 'the error shows a stack trace';
  if (paragraph.some((line) => line.includes('unexpected error'))) return 'the error is an unexpected one';
  if (paragraph.slice(1).some((line) => line.startsWith('error: '))) return 'more than one error message';
  if (paragraph.some((line) => line.trim() === '')) return 'the error is more than one paragraph';
  const length = paragraph.join('\n').length;
  if (length > MAX_ERROR_LENGTH) return `the error has ${length} characters, over ${MAX_ERROR_LENGTH}`;
  return undefined;
}

/**
 * 'accepted' (exit 0) or 'refused' (exit 2, one message).
 * @param {{ code: number; stderr: string }} result
 * @returns {'accepted' | 'refused'}
 * @throws Error saying what is wrong, with a bounded excerpt of stderr
 */
export function expectCleanOutcome(result) {
  const problem = outcomeProblem(result);
  if (problem !== undefined) throw new Error(`${problem}\n${describeOutput(result)}`);
  return result.code === 0 ? 'accepted' : 'refused';
}

/**
 * How the command ended, in a few hundred characters.
 * @param {{ code: number; stderr: string }} result
 */
export function describeOutput({ code, stderr }) {
  const shown = stderr.length > 300 ? `${stderr.slice(0, 300)}… (${stderr.length} characters)` : stderr;
  return `exit ${code}, stderr ${JSON.stringify(shown)}`;
}
