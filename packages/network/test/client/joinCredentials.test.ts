import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { secretsForClients, writeTokensFile } from '../../src/index.js';

function tokensFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'fedtune-join-secrets-')), 'tokens.json');
  writeTokensFile(path, new Map([0, 1, 2, 3].map((id) => [id, `secret-${id}`])));
  return path;
}

describe('secretsForClients', () => {
  it('takes one --token for a single client id', () => {
    expect(secretsForClients([5], { token: 's3cret' })).toEqual(new Map([[5, 's3cret']]));
  });

  it('takes the listed ids, and only those, from a tokens file', () => {
    expect(secretsForClients([1, 3], { tokensFile: tokensFile() })).toEqual(
      new Map([
        [1, 'secret-1'],
        [3, 'secret-3'],
      ]),
    );
  });

  it('refuses --token with several ids', () => {
    expect(() => secretsForClients([0, 1], { token: 's3cret' })).toThrow(/--token is one client's secret, but --client lists 2 ids; .*--tokens FILE/);
  });

  it('refuses a tokens file without a listed id, naming it', () => {
    const path = tokensFile();
    expect(() => secretsForClients([2, 4, 9], { tokensFile: path })).toThrow(`tokens file ${path} holds no secret for client ids 4, 9`);
  });

  it('refuses neither or both sources', () => {
    expect(() => secretsForClients([0], {})).toThrow(/give the client its secret with --token SECRET/);
    expect(() => secretsForClients([0], { token: 'x', tokensFile: tokensFile() })).toThrow(/either with --token or with --tokens, not both/);
  });
});
