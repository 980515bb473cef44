/**
 * Experiment folders for the text-files tests: a tiny GPT-2 or LLaMA model folder with the tiny
 * tokenizer beside its config.json, and JSONL corpora written from the tokenizer's words.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RandomStream, RandomStreams } from '../../src/random/counterRandom.js';
import { writeGpt2ModelFolder } from '../../src/testing/gpt2Folder.js';
import { LLAMA_STYLE_CONFIG, writeTokenizerFolder } from '../../src/testing/tinyTokenizer.js';
import { writeLlamaFolder } from '../model/architectures/llama/llamaFolder.js';

/** Words the tiny tokenizer spells (its vocabulary holds h, e, l, o, w, r, d and a few merges). */
const WORDS = ['hello', 'world', 'hell', 'held', 'low', 'role', 'word'];

/**
 * `count` distinct texts of 3 to 6 words. With `labelled`, a text is labelled `a` when it opens
 * with "hello" and `b` when it opens with "world", so the label is readable from the text.
 */
export function tinyCorpus(count: number, labelled = false): { text: string; label?: string }[] {
  const stream = new RandomStream({ seed: 9, round: 0, client: 0, stream: RandomStreams.subset });
  const seen = new Set<string>();
  const records: { text: string; label?: string }[] = [];
  while (records.length < count) {
    const first = labelled ? (records.length % 2 === 0 ? 'hello' : 'world') : (WORDS[Math.floor(stream.uniform() * WORDS.length)] as string);
    const rest = Array.from({ length: 2 + Math.floor(stream.uniform() * 4) }, () => WORDS[Math.floor(stream.uniform() * WORDS.length)] as string);
    const text = [first, ...rest].join(' ');
    if (seen.has(text)) continue;
    seen.add(text);
    records.push(labelled ? { text, label: first === 'hello' ? 'a' : 'b' } : { text });
  }
  return records;
}

/** A folder holding `corpus.jsonl` and the model folder `model/`, as an experiment file beside them would name them. */
export async function textFilesExperimentDir(
  family: 'gpt2' | 'llama',
  records: readonly object[],
): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'fedtune-text-files-'));
  const model = join(dir, 'model');
  if (family === 'gpt2') {
    await writeGpt2ModelFolder(model);
  } else {
    mkdirSync(model);
    await writeLlamaFolder(model);
    writeTokenizerFolder(model, undefined, LLAMA_STYLE_CONFIG);
  }
  writeFileSync(join(dir, 'corpus.jsonl'), records.map((record) => JSON.stringify(record)).join('\n'));
  return dir;
}
