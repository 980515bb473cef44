import { readEmbeddedFashionMnist } from '../data/fashionMnistBytes.js';
import { ConfigError } from '../errors.js';
import type { Experiment } from '../experiment/schema.js';
import { checkSourceName, type ByteSource } from '../io/byteSource.js';
import { baseModelFromSafetensors } from '../model/formats/baseModelDecode.js';
import { EMBEDDED_BASE_NAME } from '../model/formats/embeddedBaseNames.js';
import { decodeSafetensors } from '../model/formats/safetensorsCodec.js';
import { locateWasmAt, selectTfBackend } from '../model/training/tfBackendSelect.js';
import { buildImageFederation } from './imageFederation.js';
import type { Federation } from './types.js';

/** How {@link prepareFederationFrom} starts tfjs. */
export interface SourceFederationOptions {
  /**
   * Folder URL (ending in `/`) the tfjs wasm backend loads its `.wasm` binaries from; by default
   * tfjs looks beside the script that loaded it.
   */
  wasmPaths?: string;
}

/**
 * The federation `prepareFederation` computes, from files read through `source` rather than from
 * folders: `source` holds fedtune's data folder (as `fedtune serve` offers it to browsers), the
 * embedded Fashion-MNIST subset and base. The split and every client's partition are the same bit
 * for bit, since both come from the seed and the same images.
 * @throws ConfigError when the experiment needs files a data folder does not hold (a text dataset,
 *   a `data.source` other than `embedded`, an absolute `model.base`), naming the fix;
 *   DataError when a file cannot be read or fails its checksum.
 */
export async function prepareFederationFrom(
  experiment: Experiment,
  source: ByteSource,
  options: SourceFederationOptions = {},
): Promise<Federation> {
  const { dataset, source: dataSource } = experiment.data;
  if (dataset !== 'fashion-mnist') {
    throw new ConfigError(
      `data.dataset "${dataset}" reads files from local folders (text collections, your own texts or images), which a client ` +
        'fetching its data cannot list; join with the Node client (fedtune join) for this dataset.',
    );
  }
  if (dataSource !== 'embedded') {
    throw new ConfigError(
      `data.source "${dataSource}" names files on one machine, which a client fetching its data cannot read; ` +
        'set data.source to "embedded", or join with the Node client (fedtune join --data).',
    );
  }
  const baseName = experiment.model.base === 'embedded' ? EMBEDDED_BASE_NAME : experiment.model.base;
  checkSourceName(baseName);
  const { wasmPaths } = options;
  const tfBackend = await selectTfBackend(experiment.training.tfBackend, () => {
    if (wasmPaths !== undefined) locateWasmAt(wasmPaths);
  });
  const images = await readEmbeddedFashionMnist(source);
  return buildImageFederation(experiment, images, tfBackend, async () => {
    const basePath = source.locate(baseName);
    return { base: baseModelFromSafetensors(decodeSafetensors(await source.read(baseName), basePath), basePath), basePath };
  });
}
