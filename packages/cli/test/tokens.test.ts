import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenStore } from '@fedtune/network';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './capture.js';

const folder = mkdtempSync(join(tmpdir(), 'fedtune-cli-tokens-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const tokensIn = (path: string) => (JSON.parse(readFileSync(path, 'utf8')) as { tokens: Record<string, string> }).tokens;

describe('fedtune tokens', () => {
  it('writes one distinct secret per client id 0..n-1, readable by its owner only, that the server store admits', async () => {
    const out = join(folder, 'nested', 'tokens.json');
    const { code, stdout, stderr } = await runCli(['tokens', '--clients', '20', '--out', out]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(`wrote 20 client tokens to ${out} (readable by you only); give each client its own secret alone\n`);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const tokens = tokensIn(out);
    expect(Object.keys(tokens)).toEqual(Array.from({ length: 20 }, (_, id) => String(id)));
    expect(new Set(Object.values(tokens)).size).toBe(20);
    const store = TokenStore.fromFile(out);
    expect(store.covers(20)).toEqual({ complete: true, missing: [] });
    expect(store.verify(7, tokens['7'] as string)).toBe(true);
    expect(store.verify(7, tokens['8'] as string)).toBe(false);
  });

  it('refuses to replace an existing file without --overwrite, leaving it as it was (exit 2)', async () => {
    const out = join(folder, 'kept.json');
    writeFileSync(out, 'the old tokens');
    const { code, stderr } = await runCli(['tokens', '--clients', '2', '-o', out]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `error: ${out} already exists; pass --overwrite to replace it (every client then needs its new secret), or choose another --out\n`,
    );
    expect(readFileSync(out, 'utf8')).toBe('the old tokens');
  });

  it('replaces the file with new secrets under --overwrite', async () => {
    const out = join(folder, 'replaced.json');
    expect((await runCli(['tokens', '--clients', '3', '--out', out])).code).toBe(0);
    const before = tokensIn(out);
    expect((await runCli(['tokens', '--clients', '2', '--out', out, '--overwrite'])).code).toBe(0);
    const after = tokensIn(out);
    expect(Object.keys(after)).toEqual(['0', '1']);
    expect(after['0']).not.toBe(before['0']);
    expect(statSync(out).mode & 0o777).toBe(0o600);
  });

  it('refuses a folder as --out, naming a file to use instead (exit 2)', async () => {
    const out = join(folder, 'a-folder');
    mkdirSync(out);
    const { code, stderr } = await runCli(['tokens', '--clients', '2', '--out', out, '--overwrite']);
    expect(code).toBe(2);
    expect(stderr).toBe(`error: --out ${out} is a folder; give a file path, such as ${join(out, 'tokens.json')}\n`);
  });

  it('needs --clients as a whole number from 1 and --out (exit 2)', async () => {
    const out = join(folder, 'never.json');
    const zero = await runCli(['tokens', '--clients', '0', '--out', out]);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('expected a whole number from 1 to 1000000, got "0"');
    const noClients = await runCli(['tokens', '--out', out]);
    expect(noClients.code).toBe(2);
    expect(noClients.stderr).toContain("error: required option '--clients <n>' not specified");
    const noOut = await runCli(['tokens', '--clients', '2']);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain("error: required option '-o, --out <file>' not specified");
    expect(() => statSync(out)).toThrow();
  });

  it('is listed in the help with an example', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\s+tokens \[options\]\s+write one random secret per client id/m);
    expect(stdout).toContain('$ fedtune tokens --clients 20 --out tokens.json');
  });
});
