import { describe, expect, it } from 'vitest';
import type { ComponentListing } from '../src/componentListing.js';
import { runCli } from './capture.js';

describe('fedtune list', () => {
  it("prints every kind's components as JSON: core's, the bundled plugins' and a third party's, with their options", async () => {
    const { code, stdout, stderr } = await runCli(['list', '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const listing = JSON.parse(stdout) as ComponentListing;
    expect(listing.failed).toEqual([]);
    expect(listing.plugins.map((plugin) => plugin.name)).toEqual(
      expect.arrayContaining(['@fedtune/plugin-aquila', '@fedtune/plugin-tac', 'fedtune-plugin-trimmed-mean']),
    );
    expect(listing.kinds.map((kind) => kind.kind)).toEqual([
      'backend', 'adapter', 'compressor', 'selector', 'aggregator', 'channel', 'dataset', 'partition', 'architecture',
    ]);
    const kind = (name: string) => listing.kinds.find((entry) => entry.kind === name)?.components ?? [];
    const component = (kindName: string, name: string) => kind(kindName).find((entry) => entry.name === name);

    expect(component('compressor', 'qsgd')).toEqual({
      name: 'qsgd',
      from: '@fedtune/core',
      description: expect.stringContaining('QSGD'),
      options: [
        {
          name: 'levels',
          type: 'an integer from 1 to 65535',
          required: false,
          default: 15,
          description: 's, the number of non-zero magnitude levels; 15 gives 5 bits per coordinate',
        },
      ],
    });
    expect(component('selector', 'uniform')?.options).toEqual([
      expect.objectContaining({ name: 'fraction', required: true, type: 'a number greater than 0 and at most 1' }),
    ]);
    expect(component('compressor', 'none')?.options).toEqual([]);
    // A plugin's options come from its schema too.
    expect(component('compressor', 'laq')).toMatchObject({
      from: '@fedtune/plugin-aquila',
      options: [{ name: 'bits', default: 6, required: false }],
    });
    // The third-party example describes itself but not its options (it validates them by hand).
    expect(component('aggregator', 'trimmed-mean')).toEqual({
      name: 'trimmed-mean',
      from: 'fedtune-plugin-trimmed-mean',
      description: expect.stringContaining('trimmed mean'),
      options: null,
    });
    expect(kind('dataset').map((entry) => entry.name)).toEqual(expect.arrayContaining(['fashion-mnist', 'text-files']));
    expect(component('partition', 'dirichlet')?.options).toEqual([
      { name: 'alpha', type: 'a number greater than 0', required: true },
      expect.objectContaining({ name: 'smallShares', required: false }),
    ]);
    expect(kind('architecture').map((entry) => entry.name)).toEqual(expect.arrayContaining(['mlp', 'transformer', 'GPT2LMHeadModel']));
    for (const { components } of listing.kinds) {
      const names = components.map((entry) => entry.name);
      expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    }
  });

  it('prints a table grouped by kind, naming the field that picks each kind', async () => {
    const { code, stdout } = await runCli(['list']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^plugins: .*fedtune-plugin-trimmed-mean@0\.1\.0/);
    expect(stdout).toMatch(/^compressor \(compressor\)\n/m);
    expect(stdout).toMatch(/^ {2}qsgd +@fedtune\/core {2}QSGD: /m);
    expect(stdout).toMatch(/^ {6}levels {2}an integer from 1 to 65535 \(default 15\): s, the number of non-zero magnitude levels/m);
    expect(stdout).toMatch(/^ {6}fraction {2}a number greater than 0 and at most 1, required: share of clients/m);
    expect(stdout).toMatch(/^ {2}trimmed-mean +fedtune-plugin-trimmed-mean {2}coordinate-wise trimmed mean.*\n {6}options: not described by the component$/m);
    expect(stdout).toMatch(/^partition \(data\.partition\.kind\)\n/m);
  });
});
