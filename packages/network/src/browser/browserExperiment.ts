import {
  assertExperimentComponentsRegistered,
  createFedtuneContainer,
  expandRuns,
  fetchByteSource,
  PluginError,
  prepareFederationFrom,
  prepareInThreadRun,
  type FedtunePlugin,
} from '@fedtune/core';
import { parseServerExperiment, type LocalExperiment } from '../client/localExperiment.js';
import { trainOnGpu, type GpuTfBackend } from './gpuTraining.js';

/** What a page was built with and where it fetches what the experiment names. */
export interface BrowserExperimentOptions {
  /** The plugins the page was bundled with; the experiment's must be among them. */
  plugins: readonly FedtunePlugin[];
  /** URL of the data folder the server offers (`…/data/`): the embedded images and base model. */
  dataUrl: string;
  /** URL of the folder holding tfjs's `.wasm` binaries (`…/tfjs-wasm/`). */
  wasmUrl: string;
  /**
   * `webgpu` or `webgl` trains on the tab's GPU with that tfjs backend instead of the experiment's
   * `training.tfBackend`: faster where a GPU is present, but no longer bit for bit what a Node
   * client computes. By default the experiment's backend, so the ledger is `fedtune run`'s.
   */
  tfBackend?: 'experiment' | GpuTfBackend;
}

/**
 * Sets up the experiment a `welcome` carries in a browser tab: the page's plugins registered, the
 * data split and partitions computed from the seed over fetched files (the same bits as a Node
 * client's), and each run trained in this thread.
 * @throws PayloadError when the experiment is not JSON; ConfigError when it breaks this core's schema
 *   or needs files only a Node client can read, or when the tab cannot start the GPU backend asked
 *   for; PluginError when the page lacks one of its plugins.
 */
export async function setUpBrowserExperiment(experimentJson: string, options: BrowserExperimentOptions): Promise<LocalExperiment> {
  const experiment = parseServerExperiment(experimentJson);
  const bundled = new Set(options.plugins.map((plugin) => plugin.name));
  const missing = experiment.plugins.filter((name) => !bundled.has(name));
  if (missing.length > 0) {
    throw new PluginError(
      `this page was built without the experiment's plugin${missing.length === 1 ? '' : 's'} ${missing.join(', ')}; ` +
        'reload the page: fedtune serve builds it with the plugins of the experiment it runs',
    );
  }
  const container = createFedtuneContainer();
  for (const plugin of options.plugins) plugin.register(container);
  assertExperimentComponentsRegistered(container, experiment);
  const prepared = await prepareFederationFrom(experiment, fetchByteSource(options.dataUrl), { wasmPaths: options.wasmUrl });
  const gpu = options.tfBackend === 'experiment' ? undefined : options.tfBackend;
  const federation = gpu === undefined ? prepared : { ...prepared, tfBackend: await trainOnGpu(gpu) };
  return {
    experiment,
    container,
    federation,
    runs: expandRuns(experiment),
    prepare: (spec) => prepareInThreadRun(spec, federation, container),
  };
}
