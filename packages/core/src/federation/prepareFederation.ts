import { loadFashionMnist } from '../data/fashionMnist.js';
import type { Experiment } from '../experiment/schema.js';
import { loadBaseModel } from '../model/formats/baseModelFile.js';
import { embeddedBasePath } from '../model/formats/embeddedBase.js';
import { useTfBackend } from '../model/training/tfBackend.js';
import { dataSourceFolder, resolveBasePath } from './experimentPaths.js';
import { buildImageFederation } from './imageFederation.js';
import { prepareTextFederation } from './textFederation.js';
import type { Federation } from './types.js';

/**
 * Loads the data, builds each task's images, splits off the downstream pool the base never saw,
 * assigns tasks to clients and partitions each task's images over the clients holding it, and loads
 * the frozen base. Done once per experiment, so comparison runs share it; each run then cuts the
 * clients into slots (`clientSlots`).
 */
export async function prepareFederation(experiment: Experiment, experimentDir: string): Promise<Federation> {
  if (experiment.data.dataset !== 'fashion-mnist') return prepareTextFederation(experiment, experimentDir);
  const tfBackend = await useTfBackend(experiment.training.tfBackend);
  const source = dataSourceFolder(experiment.data.source, experimentDir) ?? experiment.data.source;
  const images = loadFashionMnist({ source });
  return buildImageFederation(experiment, images, tfBackend, async () => {
    const basePath = resolveBasePath(experiment.model.base, experimentDir, embeddedBasePath);
    return { base: await loadBaseModel(basePath), basePath };
  });
}
