/**
 * Builds a GPT-2 from a test folder through the architecture's own steps (config, canonical names,
 * expected shapes, build), as the Hugging Face loader drives them.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HostTensor } from '../../../../src/model/architectures/baseModel.js';
import type { CausalLanguageModel } from '../../../../src/model/architectures/huggingface/hfArchitecture.js';
import { gpt2Architecture } from '../../../../src/model/architectures/gpt2/index.js';
import { readSafetensorsFile } from '../../../../src/model/formats/safetensors.js';

/** The canonical tensors of a folder's model.safetensors, the mask buffers dropped; throws on an unknown name. */
export async function canonicalGpt2Tensors(folder: string): Promise<Map<string, HostTensor>> {
  const content = await readSafetensorsFile(join(folder, 'model.safetensors'));
  const tensors = new Map<string, HostTensor>();
  for (const [name, tensor] of content.tensors) {
    const canonical = gpt2Architecture.canonicalTensorName(name);
    if (canonical === undefined) throw new Error(`GPT-2 does not know the tensor "${name}"`);
    if (canonical !== null) tensors.set(canonical, { shape: tensor.shape, data: tensor.data as Float32Array });
  }
  return tensors;
}

/** The model of a folder written by `writeGpt2Folder`, its tensors checked against the expected shapes. */
export async function loadGpt2Folder(folder: string, contextLength: number): Promise<CausalLanguageModel> {
  const source = join(folder, 'config.json');
  const config = gpt2Architecture.parseConfig(JSON.parse(await readFile(source, 'utf8')), source);
  const tensors = await canonicalGpt2Tensors(folder);
  for (const [name, expected] of gpt2Architecture.expectedTensors(config)) {
    const found = tensors.get(name);
    if (found === undefined && expected.optional !== true) throw new Error(`${folder} lacks "${name}"`);
    if (found !== undefined && found.shape.join() !== expected.shape.join()) {
      throw new Error(`${folder}: "${name}" is [${found.shape.join(', ')}], expected [${expected.shape.join(', ')}]`);
    }
  }
  return gpt2Architecture.build(config, tensors, { contextLength, metadata: { source: folder } });
}
