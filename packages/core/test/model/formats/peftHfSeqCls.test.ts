import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdapterInstance } from '../../../src/contracts/adapter.js';
import { createLoraAdapter } from '../../../src/model/adapters/lora.js';
import { indexLayout } from '../../../src/model/adapters/parameterLayout.js';
import type { LinearFunction } from '../../../src/model/architectures/baseModel.js';
import { HF_PAD_ID, type CausalLanguageModel } from '../../../src/model/architectures/huggingface/hfArchitecture.js';
import { loadHfPeftAdapter } from '../../../src/model/formats/peftHfAdapter.js';
import { exportHfPeftAdapter } from '../../../src/model/formats/peftHfExport.js';
import { readSafetensorsFile } from '../../../src/model/formats/safetensors.js';
import { RandomStream, RandomStreams } from '../../../src/random/counterRandom.js';
import { useTfBackend } from '../../../src/model/training/tfBackend.js';
import { runTorchScript, torchUnavailable } from '../../torch/torchReference.js';
import { writeGpt2Folder } from '../../../src/testing/gpt2Folder.js';
import { loadGpt2Folder } from '../architectures/gpt2/gpt2FolderLoad.js';
import { buildLlamaFromFolder, writeLlamaFolder } from '../architectures/llama/llamaFolder.js';
import { instanceLinear, largestDifference } from './peftHfFixtures.js';

const REFERENCE = fileURLToPath(new URL('./peft_seqcls_reference.py', import.meta.url));
const TOLERANCE = 1e-4;
const CLASSES = 3;
const CONTEXT = 8;
const pad = (ids: number[]) => [...ids, ...Array<number>(CONTEXT - ids.length).fill(HF_PAD_ID)];
/** Rows of different lengths, so each is read at its own last real token. */
const ROWS = [pad([5, 17, 3, 99, 42, 0, 61, 7]), pad([12, 4, 88]), pad([23]), pad([64, 2, 30, 9, 51])];

let root: string;
beforeAll(async () => {
  await useTfBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'fedtune-peft-seqcls-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

interface Family {
  name: string;
  targets: string[];
  useRsLora: boolean;
  build(folder: string): Promise<CausalLanguageModel>;
  /** The LoRA keys PEFT saves for these targets, worked out by hand. */
  loraKeys: string[];
  fanInFanOut: boolean;
}

const families: Family[] = [
  {
    name: 'GPT-2',
    targets: ['c_attn', 'mlp.c_fc'],
    useRsLora: false,
    build: async (folder) => (await writeGpt2Folder(folder, { seed: 5 }), loadGpt2Folder(folder, CONTEXT)),
    loraKeys: [0, 1].flatMap((layer) =>
      ['attn.c_attn', 'mlp.c_fc'].flatMap((module) => ['lora_A', 'lora_B'].map((factor) => `base_model.model.transformer.h.${layer}.${module}.${factor}.weight`))
    ),
    fanInFanOut: true,
  },
  {
    name: 'LLaMA',
    targets: ['q_proj', 'v_proj', 'down_proj'],
    useRsLora: true,
    build: async (folder) => (await writeLlamaFolder(folder), buildLlamaFromFolder(folder, CONTEXT)),
    loraKeys: [0, 1].flatMap((layer) =>
      ['self_attn.q_proj', 'self_attn.v_proj', 'mlp.down_proj'].flatMap((module) =>
        ['lora_A', 'lora_B'].map((factor) => `base_model.model.model.layers.${layer}.${module}.${factor}.weight`)
      )
    ),
    fanInFanOut: false,
  },
];

/**
 * A LoRA classifier of `model` as a text-files classification run trains it (a new head of
 * `CLASSES` outputs, without a bias unless `headBias`), every A and B drawn at random.
 */
function trainedClassifier(model: CausalLanguageModel, family: Family, headBias = false): { instance: AdapterInstance; parameters: Float32Array } {
  const random = { seed: 4, round: 0, client: 0, stream: RandomStreams.initialisation };
  const instance = createLoraAdapter({ useRsLora: family.useRsLora }).create(model.modules, {
    rank: 2,
    alpha: 6,
    targetModules: family.targets,
    numClasses: CLASSES,
    ...(headBias ? {} : { headWithoutBias: true }),
    random,
  });
  const parameters = instance.initialParameters(model.frozen);
  const stream = new RandomStream({ ...random, stream: RandomStreams.subset });
  for (const slot of indexLayout(instance.layout).slots) {
    if (!slot.spec.name.includes('.lora_')) continue;
    for (let i = slot.offset; i < slot.offset + slot.size; i++) parameters[i] = 0.3 * stream.normal();
  }
  return { instance, parameters };
}

const classLogits = (model: CausalLanguageModel, linear: LinearFunction) => model.forward(tf.tensor2d(ROWS), linear).arraySync() as number[][];

const unavailable = torchUnavailable();

for (const family of families) {
  describe(`a LoRA classifier of a ${family.name} Hugging Face model exported as PEFT's SEQ_CLS adapter`, () => {
    let modelFolder: string;
    let adapterFolder: string;
    let model: CausalLanguageModel;
    let classifier: ReturnType<typeof trainedClassifier>;

    beforeAll(async () => {
      modelFolder = await mkdtemp(join(root, 'model-'));
      adapterFolder = join(root, `${family.name}-seqcls`);
      model = await family.build(modelFolder);
      classifier = trainedClassifier(model, family);
      await exportHfPeftAdapter(adapterFolder, {
        model,
        adapter: classifier.instance,
        parameters: classifier.parameters,
        baseModelNameOrPath: modelFolder,
        taskType: 'SEQ_CLS',
      });
    });
    afterAll(() => model.dispose());

    it('trains the head as a weight without a bias, as transformers\' score', () => {
      expect(classifier.instance.layout.at(-1)).toEqual({ name: 'lm_head.weight', shape: [CLASSES, model.hiddenSize] });
      expect(classifier.instance.layout.some((spec) => spec.name === 'lm_head.bias')).toBe(false);
    });

    it("writes PEFT's SEQ_CLS config, the LoRA keys and the head as score.weight", async () => {
      const config = JSON.parse(await readFile(join(adapterFolder, 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
      expect(config).toMatchObject({
        peft_type: 'LORA',
        task_type: 'SEQ_CLS',
        base_model_name_or_path: modelFolder,
        r: 2,
        lora_alpha: 6,
        use_rslora: family.useRsLora,
        fan_in_fan_out: family.fanInFanOut,
        modules_to_save: ['classifier', 'score'],
        bias: 'none',
      });
      const content = await readSafetensorsFile(join(adapterFolder, 'adapter_model.safetensors'));
      expect([...content.tensors.keys()].sort()).toEqual([...family.loraKeys, 'base_model.model.score.weight'].sort());
      const score = content.tensors.get('base_model.model.score.weight')!;
      expect(score.shape).toEqual([CLASSES, model.hiddenSize]);
      const head = indexLayout(classifier.instance.layout).byName.get('lm_head.weight')!;
      expect([...(score.data as Float32Array)]).toEqual([...classifier.parameters.subarray(head.offset, head.offset + head.size)]);
    });

    it('is refused by the language-model import, which scoring uses, with the reason', async () => {
      await expect(loadHfPeftAdapter(adapterFolder, model)).rejects.toThrow(
        `${join(adapterFolder, 'adapter_config.json')}: task_type is "SEQ_CLS": a sequence classifier, whose score head gives class logits rather than next-token ones; load it in Python with PeftModel.from_pretrained over AutoModelForSequenceClassification`
      );
    });

    const title = "gives the class logits of transformers' sequence classifier under PEFT's merge of the exported files in PyTorch, to 1e-4";
    it.skipIf(unavailable !== undefined)(unavailable === undefined ? title : `${title} (skipped: ${unavailable})`, () => {
      const ours = classLogits(model, instanceLinear(model, classifier.instance, classifier.parameters));
      const reference = (runTorchScript(REFERENCE, [modelFolder, adapterFolder, JSON.stringify(ROWS)]) as { logits: number[][] }).logits;
      expect(largestDifference(ours, reference)).toBeLessThan(TOLERANCE);
      // The LoRA factors must matter, or the match would not show that the reference applies them.
      const withoutLora = new Float32Array(classifier.parameters);
      for (const slot of indexLayout(classifier.instance.layout).slots) {
        if (slot.spec.name.endsWith('.lora_B.weight')) withoutLora.fill(0, slot.offset, slot.offset + slot.size);
      }
      expect(largestDifference(ours, classLogits(model, instanceLinear(model, classifier.instance, withoutLora)))).toBeGreaterThan(0.01);
    });
  });
}

describe("an adapter PEFT's SEQ_CLS layout cannot hold", () => {
  let model: CausalLanguageModel;
  beforeAll(async () => {
    model = await families[0]!.build(await mkdtemp(join(root, 'refused-model-')));
  });
  afterAll(() => model.dispose());

  it("refuses a head with a bias, which transformers' score lacks", async () => {
    const { instance, parameters } = trainedClassifier(model, families[0]!, true);
    await expect(
      exportHfPeftAdapter(join(root, 'biased-head'), { model, adapter: instance, parameters, baseModelNameOrPath: 'gpt2', taskType: 'SEQ_CLS' })
    ).rejects.toThrow(
      `Cannot export a SEQ_CLS PEFT adapter: its head trains a bias "lm_head.bias", which transformers' "score" (Linear(hidden, num_labels, bias=False)) lacks; train the head without a bias`
    );
  });

  it('refuses LoRA factors without a classification head', async () => {
    const random = { seed: 4, round: 0, client: 0, stream: RandomStreams.initialisation };
    const instance = createLoraAdapter({ useRsLora: false }).create(model.modules, {
      rank: 2,
      alpha: 6,
      numClasses: model.vocabSize,
      frozenHead: true,
      random,
    });
    await expect(
      exportHfPeftAdapter(join(root, 'no-head'), {
        model,
        adapter: instance,
        parameters: instance.initialParameters(model.frozen),
        baseModelNameOrPath: 'gpt2',
        taskType: 'SEQ_CLS',
      })
    ).rejects.toThrow('Cannot export a SEQ_CLS PEFT adapter: it trains no classification head, which a SEQ_CLS adapter carries as "score"');
  });
});
