import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeGpt2ModelFolder } from '@fedtune/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './capture.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/huggingface/gpt2-fortunes.json', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'fedtune-cli-hf-example-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Texts the tiny tokenizer spells ("hello world" and its pieces), repetitive enough to learn. */
function corpus(lines: number): string {
  const words = ['hello', 'world', 'hell', 'held', 'hello world'];
  return Array.from({ length: lines }, (_, i) => JSON.stringify({ text: `${words[i % 5]} ${words[(i * 3) % 5]} hello world` })).join('\n') + '\n';
}

describe('the Hugging Face example', () => {
  it('runs its experiment file on a local GPT-2 folder and JSONL corpus, then scores a text with the adapter it wrote', async () => {
    // The example's own file, with the paths it names filled in and the context cut to 8 of the tiny model's 16 positions.
    const experiment = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, Record<string, unknown>>;
    await writeGpt2ModelFolder(join(root, 'models', 'gpt2'));
    writeFileSync(join(root, 'corpus.jsonl'), corpus(120));
    const file = join(root, 'gpt2-fortunes.json');
    experiment['model'] = { ...experiment['model'], contextLength: 8 };
    experiment['training'] = { ...experiment['training'], rounds: 2, learningRate: 0.01, tfBackend: 'cpu' };
    writeFileSync(file, JSON.stringify(experiment));

    const out = join(root, 'results');
    const run = await runCli(['run', file, '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const rows = readFileSync(join(out, 'ledger.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, number>);
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row['testPerplexity']).toBeCloseTo(Math.exp(row['testLoss'] as number), 8);
    const peft = JSON.parse(readFileSync(join(out, 'adapter', 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
    expect(peft).toMatchObject({ task_type: 'CAUSAL_LM', r: 8, lora_alpha: 16, fan_in_fan_out: true, base_model_name_or_path: join(root, 'models', 'gpt2') });

    const text = join(root, 'sample.txt');
    writeFileSync(text, 'hello world hello world held hello');
    const score = ['score', '--model', join(root, 'models', 'gpt2'), '--file', text, '--json', '--context', '8', '--stride', '4', '--tf-backend', 'cpu'];
    const base = await runCli(score);
    const adapted = await runCli([...score, '--adapter', join(out, 'adapter')]);
    expect([base.code, adapted.code]).toEqual([0, 0]);
    const [before, after] = [base, adapted].map((result) => JSON.parse(result.stdout) as { tokens: number; meanNll: number; perplexity: number });
    expect(after?.tokens).toBe(before?.tokens);
    expect(after?.meanNll).not.toBe(before?.meanNll);
    expect(after?.perplexity).toBeCloseTo(Math.exp(after?.meanNll as number), 6);
  }, 300_000);
});
