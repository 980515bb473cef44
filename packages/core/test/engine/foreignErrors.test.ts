import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFedtuneContainer } from '../../src/builtins/corePlugin.js';
import { COMPRESSOR } from '../../src/contracts/tokens.js';
import type { LedgerRow } from '../../src/engine/ledger.js';
import { runExperiment } from '../../src/engine/runExperiment.js';
import { parseExperiment } from '../../src/experiment/index.js';
import { registerNamed } from '../../src/plugins/registry.js';
import { decodeFloat32Payload, encodeFloat32Payload } from '../../src/wire/float32Payload.js';
import { loadErrorsCopy } from '../errorsCopy.js';

const copy = await loadErrorsCopy();

describe('a plugin built against another copy of core', () => {
  it('has its PayloadError counted as a rejected upload, not a crash', async () => {
    const container = createFedtuneContainer();
    registerNamed(container, COMPRESSOR, {
      name: 'refuses-client-1',
      plugin: 'engine-test',
      create: () => ({
        name: 'refuses-client-1',
        encode: (update) => encodeFloat32Payload(update),
        decode: (payload, length, { clientId }) => {
          if (clientId === 1) throw new copy.PayloadError('client 1 sent a truncated payload');
          return decodeFloat32Payload(payload, length);
        },
      }),
    });
    const outDir = mkdtempSync(join(tmpdir(), 'fedtune-foreign-errors-'));
    await runExperiment(
      parseExperiment({
        name: 'foreign-errors',
        seed: 3,
        data: { numClients: 3, trainLimit: 300, testLimit: 100 },
        adapter: { rank: 2, alpha: 4 },
        training: { rounds: 2, batchSize: 64 },
        selector: 'all',
        channel: 'reliable',
        compressor: 'refuses-client-1',
      }),
      { outDir, experimentDir: outDir, container },
    );
    const rows = readFileSync(join(outDir, 'ledger.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as LedgerRow);
    expect(rows.map((row) => [row.uploaded, row.rejected])).toEqual([
      [3, 1],
      [3, 1],
    ]);
  });
});
