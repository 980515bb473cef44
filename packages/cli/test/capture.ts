import { main } from '../src/cli.js';
import { CapturedStream } from './capturedStream.js';

/** Runs `fedtune` with `argv` and returns its exit status and output. */
export async function runCli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new CapturedStream();
  const stderr = new CapturedStream();
  const code = await main(argv, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
