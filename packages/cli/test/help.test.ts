import { describe, expect, it } from 'vitest';
import { runCli } from './capture.js';

describe('fedtune --help and --version', () => {
  it('lists the commands with an example a newcomer can copy', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: fedtune \[options\] \[command\]/);
    expect(stdout).toMatch(/^\s+run \[options\] \[experiment\]\s+run an experiment file/m);
    expect(stdout).toMatch(/^\s+pretrain \[options\]\s+pre-train the frozen base model/m);
    expect(stdout).toContain('$ fedtune run examples/quickstart.json');
  });

  it("documents run's options and every experiment-file field", async () => {
    const { code, stdout } = await runCli(['run', '--help']);
    expect(code).toBe(0);
    for (const option of ['--out <dir>', '--backend <name>', '--seed <n>', '--overwrite'])
      expect(stdout).toContain(option);
    expect(stdout).toMatch(/\* data\.numClients\s+an integer from 1 to 1000000/);
    expect(stdout).toMatch(/ {3}training\.optimizer\s+adam, sgd \(default "adam"\)/);
  });

  it('prints the CLI and core versions', async () => {
    const { code, stdout } = await runCli(['--version']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\d+\.\d+\.\d+ \(core \d+\.\d+\.\d+\)\n$/);
  });

  it('treats an unknown command or option as bad input (exit 2)', async () => {
    const unknownCommand = await runCli(['train']);
    expect(unknownCommand.code).toBe(2);
    expect(unknownCommand.stderr).toContain("error: unknown command 'train'");
    const unknownOption = await runCli(['run', 'x.json', '--rounds', '3']);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toContain("error: unknown option '--rounds'");
    const badSeed = await runCli(['run', 'x.json', '--seed', '-1']);
    expect(badSeed.code).toBe(2);
    expect(badSeed.stderr).toContain('expected a whole number from 0 to 4294967295');
  });
});
