import { dirname } from 'node:path';
import {
  createFolder,
  FORTUNE_SPLIT,
  fortunesBasePath,
  loadFortuneCorpus,
  nextByteFeatureSet,
  nextByteLoss,
  pretrainTransformer,
  saveBaseModel,
  splitTexts,
  unigramNextByteLoss,
  useTfBackend,
  type TfBackendChoice,
} from '@fedtune/core';
import type { CliIo } from '../io.js';
import { checkModelOut } from '../outputFolder.js';

/** What `fedtune pretrain --model text` needs, after per-model defaults are filled in. */
export interface TextPretrainSettings {
  fortunes: string;
  context: number;
  dModel: number;
  layers: number;
  heads: number;
  steps: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  tfBackend: TfBackendChoice;
  out?: string | undefined;
  overwrite?: boolean | undefined;
}

/** One held-out fortune in this many is evaluated: enough bytes for a stable figure, in seconds. */
const HELD_OUT_STRIDE = 20;
/** Steps between progress lines. */
const REPORT_EVERY = 100;

const bits = (nats: number) => nats / Math.LN2;

/**
 * Pre-trains the byte-level transformer as a next-byte model on the fortunes' pre-training pool
 * (text the downstream tasks never use), reports its held-out bits per byte against the unigram
 * baseline on the test pool, and saves it.
 */
export async function pretrainTextCommand(settings: TextPretrainSettings, io: CliIo): Promise<void> {
  const say = (line: string) => io.stdout.write(`${line}\n`);
  const out = checkModelOut(settings.out ?? fortunesBasePath(), settings.overwrite);
  const tfBackend = await useTfBackend(settings.tfBackend);
  const records = loadFortuneCorpus({ root: settings.fortunes });
  const pools = splitTexts(records, FORTUNE_SPLIT);
  const windows = nextByteFeatureSet(pools.pretrain, settings.context);
  const heldOut = nextByteFeatureSet(
    pools.test.filter((_, i) => i % HELD_OUT_STRIDE === 0),
    settings.context,
  );
  const languages = [...new Set(records.map((record) => record.language))];
  const collections = [...new Set(pools.pretrain.map((record) => record.collection))];
  say(
    `data: ${records.length} fortunes in ${languages.join(',')} (${collections.length} collections); ` +
      `pre-training pool ${pools.pretrain.length} fortunes, ${windows.count} windows of ${settings.context} bytes`,
  );
  const { dModel, layers, heads, steps, batchSize } = settings;
  say(
    `pre-training transformer d=${dModel}, ${layers} layers, ${heads} heads, context ${settings.context} ` +
      `for ${steps} steps of ${batchSize} windows on tfjs ${tfBackend} ...`,
  );
  const started = performance.now();
  let recent = 0;
  const model = await pretrainTransformer({
    data: windows,
    size: { dModel, layers, heads },
    steps,
    batchSize,
    learningRate: settings.learningRate,
    seed: settings.seed,
    metadata: {
      dataset: 'fortunes',
      corpusLanguages: JSON.stringify(languages),
      corpusCollections: JSON.stringify(collections),
      split: JSON.stringify(FORTUNE_SPLIT),
    },
    onStep: (step, loss) => {
      recent += loss;
      if ((step + 1) % REPORT_EVERY === 0 || step + 1 === steps) {
        const count = (step % REPORT_EVERY) + 1;
        say(`step ${step + 1}/${steps}: ${bits(recent / count).toFixed(3)} bits/byte`);
        recent = 0;
      }
    },
  });
  try {
    const seconds = (performance.now() - started) / 1000;
    const loss = nextByteLoss(model, heldOut);
    const unigram = unigramNextByteLoss(windows, heldOut);
    say(
      `held-out next-byte loss: ${bits(loss).toFixed(3)} bits/byte (perplexity ${Math.exp(loss).toFixed(2)}); ` +
        `unigram baseline ${bits(unigram).toFixed(3)} bits/byte (${heldOut.count} windows of the test pool; ` +
        `trained in ${seconds.toFixed(1)} s, ${((steps * batchSize * settings.context) / seconds).toFixed(0)} tokens/s)`,
    );
    createFolder(dirname(out));
    await saveBaseModel(model, out);
    say(`saved ${out}`);
  } finally {
    model.dispose();
  }
}
