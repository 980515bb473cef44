import { fileURLToPath } from 'node:url';
import { createFedtuneContainer, listNamed, listRandomStreamReservations, loadPlugins } from '@fedtune/core';
import { expect, it } from 'vitest';

const METHOD_PLUGINS = [
  '@fedtune/plugin-aquila',
  '@fedtune/plugin-tac',
  '@fedtune/plugin-safari',
  '@fedtune/plugin-rmlora',
];

it("loads fedtune's four method plugins into one container, each with its own names and random streams", async () => {
  const container = createFedtuneContainer();
  const resolveFrom = fileURLToPath(new URL('..', import.meta.url));
  const loaded = await loadPlugins(container, METHOD_PLUGINS, { resolveFrom });
  expect(loaded.map((plugin) => plugin.name)).toEqual(METHOD_PLUGINS);
  expect(listRandomStreamReservations(container)).toEqual([
    { plugin: '@fedtune/core', first: 0, count: 1000 },
    { plugin: '@fedtune/plugin-tac', first: 1000, count: 2 },
    { plugin: '@fedtune/plugin-rmlora', first: 1100, count: 1 },
    { plugin: '@fedtune/plugin-safari', first: 1200, count: 1 },
  ]);
  const aggregators = listNamed(container, 'aggregator').map((factory) => `${factory.name} from ${factory.plugin}`);
  expect(aggregators).toEqual(
    expect.arrayContaining([
      'aquila from @fedtune/plugin-aquila',
      'tac from @fedtune/plugin-tac',
      'safari from @fedtune/plugin-safari',
    ]),
  );
});
