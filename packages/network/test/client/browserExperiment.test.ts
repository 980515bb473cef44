import { corePlugin, isFedtuneError } from '@fedtune/core';
import { describe, expect, it } from 'vitest';
import { setUpBrowserExperiment } from '../../src/browser/browserExperiment.js';

const experimentJson = JSON.stringify({
  name: 'needs a plugin',
  plugins: ['@fedtune/plugin-aquila'],
  data: { numClients: 2 },
  training: { rounds: 1 },
  selector: 'aquila',
  compressor: 'aquila',
});

describe('a browser client setting up the server experiment', () => {
  it('refuses an experiment whose plugin the page was not built with, naming it and the fix', async () => {
    const error = await setUpBrowserExperiment(experimentJson, { plugins: [corePlugin], dataUrl: 'http://127.0.0.1:9/data/', wasmUrl: 'http://127.0.0.1:9/w/' }).catch((caught: unknown) => caught);
    expect(isFedtuneError(error, "PluginError"), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/built without the experiment's plugin @fedtune\/plugin-aquila; reload the page/);
  });
});
