import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createLoraAdapter, exportHfPeftAdapter, loadHfLanguageModel, loadHfPeftAdapter, scoreTokens, useTfBackend } from '@fedtune/core';
import { gpt2CheckpointTensors, writeGpt2ModelFolder } from '@fedtune/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './capture.js';

const root = mkdtempSync(join(tmpdir(), 'fedtune-cli-score-'));
const model = join(root, 'gpt2');
const text = join(root, 'text.txt');
const TEXT = 'hello world hello hello world held';

beforeAll(async () => {
  await writeGpt2ModelFolder(model);
  writeFileSync(text, TEXT);
  await useTfBackend('cpu');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('fedtune score', () => {
  it("prints exactly { tokens, meanNll, perplexity } with --json, scoreTokens' numbers for the tokenized file", async () => {
    const { code, stdout, stderr } = await runCli(['score', '--model', model, '--file', text, '--json', '--context', '6', '--stride', '2', '--tf-backend', 'cpu']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const printed = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(printed)).toEqual(['tokens', 'meanNll', 'perplexity']);
    const loaded = await loadHfLanguageModel(model, { contextLength: 6 });
    const ids = loaded.tokenizer.encode(TEXT);
    expect(ids.length).toBeGreaterThan(6);
    expect(printed).toEqual(scoreTokens(loaded.model, ids, { stride: 2 }));
    expect(printed['tokens']).toBe(ids.length - 1);
    loaded.model.dispose();
  });

  it('applies a PEFT adapter given with --adapter, as loadHfPeftAdapter applies it', async () => {
    const loaded = await loadHfLanguageModel(model, { contextLength: 6 });
    const random = { seed: 1, round: 0, client: 0, stream: 0 };
    const lora = createLoraAdapter({ useRsLora: false }).create(loaded.model.modules, { rank: 2, alpha: 4, targetModules: ['c_attn'], numClasses: loaded.model.vocabSize, random });
    // B starts at zero; give every factor a value so the adapter changes the scores.
    const parameters = lora.initialParameters(loaded.model.frozen);
    const loraValues = lora.layout.filter((spec) => spec.name.includes('.lora_')).reduce((n, spec) => n + spec.shape[0]! * spec.shape[1]!, 0);
    for (let i = 0; i < loraValues; i++) parameters[i] = Math.sin(i + 1);
    const adapterFolder = join(root, 'adapter');
    await exportHfPeftAdapter(adapterFolder, { model: loaded.model, adapter: lora, parameters, baseModelNameOrPath: model });
    const args = ['score', '--model', model, '--file', text, '--json', '--context', '6', '--stride', '3', '--tf-backend', 'cpu'];
    const adapted = await runCli([...args, '--adapter', adapterFolder]);
    expect(adapted.stderr).toBe('');
    const adapter = await loadHfPeftAdapter(adapterFolder, loaded.model);
    const ids = loaded.tokenizer.encode(TEXT);
    expect(JSON.parse(adapted.stdout)).toEqual(scoreTokens(loaded.model, ids, { stride: 3, linear: adapter.linear }));
    expect(JSON.parse(adapted.stdout)).not.toEqual(JSON.parse((await runCli(args)).stdout));
    adapter.dispose();
    loaded.model.dispose();
  });

  it("prints the loader's notes on stderr, the score alone on stdout", async () => {
    const halfModel = join(root, 'gpt2-f16');
    await writeGpt2ModelFolder(halfModel, { dtype: 'F16' });
    const { code, stdout, stderr } = await runCli(['score', '--model', halfModel, '--file', text, '--json', '--tf-backend', 'cpu']);
    expect(code).toBe(0);
    expect(stderr).toBe(`note: converted ${gpt2CheckpointTensors().size} F16 tensors to float32\n`);
    expect(Object.keys(JSON.parse(stdout) as object)).toEqual(['tokens', 'meanNll', 'perplexity']);
  });

  it('prints one human line without --json', async () => {
    const { code, stdout } = await runCli(['score', '--model', model, '--file', text, '--tf-backend', 'cpu']);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\d+ tokens predicted, mean NLL \\d+\\.\\d{4} nats/token, perplexity \\d+\\.\\d{3}\\n$`));
  });

  it('refuses a text that is not UTF-8, a missing file, a stride not below the context and a missing adapter, one line each (exit 2)', async () => {
    const latin1 = join(root, 'latin1.txt');
    writeFileSync(latin1, Buffer.from([0x68, 0x65, 0x0a, 0xe9, 0x74, 0xe9]));
    const notUtf8 = await runCli(['score', '--model', model, '--file', latin1]);
    expect(notUtf8.code).toBe(2);
    expect(notUtf8.stderr).toBe(`error: ${latin1} is not valid UTF-8 (line 2 holds bytes that are not); save the file as UTF-8.\n`);
    const missing = await runCli(['score', '--model', model, '--file', join(root, 'absent.txt')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: .*absent\.txt: cannot be read \(ENOENT.*\); check the path\.\n$/);
    const stride = await runCli(['score', '--model', model, '--file', text, '--context', '4', '--stride', '4', '--tf-backend', 'cpu']);
    expect(stride.code).toBe(2);
    expect(stride.stderr).toContain('error: A scoring stride of 4 is not possible with a context of 4');
    const adapter = await runCli(['score', '--model', model, '--file', text, '--adapter', join(root, 'no-adapter'), '--tf-backend', 'cpu']);
    expect(adapter.code).toBe(2);
    expect(adapter.stderr).toMatch(/^error: .*no-adapter\/adapter_config\.json: cannot be read \(ENOENT.*\n$/);
  });

  it('is listed in the help, which explains the windows', async () => {
    expect((await runCli(['--help'])).stdout).toMatch(/^\s+score \[options\]\s+the mean negative log-likelihood and\s/m);
    const help = await runCli(['score', '--help']);
    expect(help.stdout).toContain("as Hugging Face's perplexity guide does, in windows of --context tokens");
  });
});
