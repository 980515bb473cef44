import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './capture.js';

const folder = mkdtempSync(join(tmpdir(), 'fedtune-cli-resume-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('fedtune run --resume with damaged resume state', () => {
  it('reports a resume.json that is not an object in one line, exits 2 and leaves it as it was', async () => {
    const record = join(folder, 'resume.json');
    writeFileSync(record, 'null\n');
    const { code, stdout, stderr } = await runCli(['run', '--resume', folder]);
    expect(stderr).toBe(
      `error: ${record} is not a JSON object; the folder was changed or damaged, start the run again without --resume.\n`,
    );
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(readFileSync(record, 'utf8')).toBe('null\n');
  });
});
