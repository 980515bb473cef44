import { loadFashionMnist } from '../data/fashionMnist.js';
import { ConfigError } from '../errors.js';
import type { Experiment } from '../experiment/schema.js';
import { loadBaseModel } from '../model/formats/baseModelFile.js';
import { embeddedBasePath } from '../model/formats/embeddedBase.js';
import { useTfBackend } from '../model/training/tfBackend.js';
import { dataSourceFolder, resolveBasePath } from './experimentPaths.js';
import { hfModelFolder } from './hfBase.js';
import { buildImageFederation } from './imageFederation.js';
import { prepareImageFolderFederation } from './imageFolderFederation.js';
import { prepareTextFederation } from './textFederation.js';
import { prepareTextFilesFederation } from './textFilesFederation.js';
import type { Federation } from './types.js';

/** `data` fields only `text-files` reads. */
const TEXT_FILES_FIELDS = ['task', 'textField', 'labelField'] as const;

/** `data` fields only `image-folder` reads. */
const IMAGE_FOLDER_FIELDS = ['testPath', 'imageSize'] as const;

/** Refuses a `data` field that the chosen data set does not read. */
function checkDataFields(experiment: Experiment): void {
  const { data } = experiment;
  const owners = [
    { dataset: 'text-files', fields: TEXT_FILES_FIELDS },
    { dataset: 'image-folder', fields: IMAGE_FOLDER_FIELDS },
  ] as const;
  for (const { dataset, fields } of owners) {
    if (data.dataset === dataset) continue;
    const stray = fields.find((field) => data[field] !== undefined);
    if (stray !== undefined) {
      throw new ConfigError(`data.${stray} applies to data.dataset "${dataset}" only; remove it, or set data.dataset to "${dataset}".`);
    }
  }
  if (data.path !== undefined && data.dataset !== 'text-files' && data.dataset !== 'image-folder') {
    throw new ConfigError(
      `data.path applies to data.dataset "text-files" or "image-folder" only; remove it, or set data.dataset to one of them.`,
    );
  }
}

/**
 * Refuses a pairing of base and data that cannot train: a Hugging Face model reads its own
 * tokenizer's ids, which only `text-files` gives, and `text-files` needs that tokenizer.
 */
function checkBaseFitsData(experiment: Experiment, hfFolder: string | undefined): void {
  const { dataset } = experiment.data;
  const { base, contextLength } = experiment.model;
  if (dataset === 'text-files') {
    if (hfFolder !== undefined) return;
    throw new ConfigError(
      `data.dataset "text-files" is tokenized by a Hugging Face model's own tokenizer, but model.base "${base}" is not a model folder; ` +
        'set model.base to a folder holding config.json, the weights and tokenizer.json.',
    );
  }
  if (hfFolder !== undefined) {
    const features = dataset === 'fashion-mnist' || dataset === 'image-folder' ? 'image pixels' : 'byte-level tokens';
    throw new ConfigError(
      `model.base "${base}" is a Hugging Face model, which reads its own tokenizer's ids, but data.dataset "${dataset}" gives ${features}; ` +
        'set data.dataset to "text-files" with data.path naming your texts, or model.base to a fedtune base file.',
    );
  }
  if (contextLength !== undefined) {
    throw new ConfigError('model.contextLength applies to a Hugging Face model folder as model.base; remove it (a fedtune base file fixes its input size).');
  }
}

/**
 * Loads the data, builds each task's images, splits off the downstream pool the base never saw,
 * assigns tasks to clients and partitions each task's images over the clients holding it, and loads
 * the frozen base. Done once per experiment, so comparison runs share it; each run then cuts the
 * clients into slots (`clientSlots`).
 */
export async function prepareFederation(experiment: Experiment, experimentDir: string): Promise<Federation> {
  const hfFolder = hfModelFolder(experiment.model.base, experimentDir);
  checkDataFields(experiment);
  checkBaseFitsData(experiment, hfFolder);
  if (hfFolder !== undefined) return prepareTextFilesFederation(experiment, experimentDir, hfFolder);
  if (experiment.data.dataset === 'image-folder') return prepareImageFolderFederation(experiment, experimentDir);
  if (experiment.data.dataset !== 'fashion-mnist') return prepareTextFederation(experiment, experimentDir);
  const tfBackend = await useTfBackend(experiment.training.tfBackend);
  const source = dataSourceFolder(experiment.data.source, experimentDir) ?? experiment.data.source;
  const images = loadFashionMnist({ source });
  return buildImageFederation(experiment, images, tfBackend, async () => {
    const basePath = resolveBasePath(experiment.model.base, experimentDir, embeddedBasePath);
    return { base: await loadBaseModel(basePath), basePath };
  });
}
