import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBaseModel } from '@fedtune/core';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './capture.js';

const folder = mkdtempSync(join(tmpdir(), 'fedtune-pretrain-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('fedtune pretrain', () => {
  it('pre-trains on the upstream classes, reports held-out accuracy and saves a loadable base', async () => {
    const out = join(folder, 'base.safetensors');
    const argv = ['pretrain', '--upstream-classes', '0,1,2', '--hidden', '16', '--epochs', '1', '--out', out];
    const { code, stdout, stderr } = await runCli(argv);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^data: embedded .*; 1800 upstream images of classes 0,1,2$/m);
    const accuracy = /held-out accuracy on the test set's classes 0,1,2: ([\d.]+)% \(3000 images/.exec(stdout);
    // Three classes: chance is 33%; one epoch of a small MLP is well above it.
    expect(Number(accuracy?.[1])).toBeGreaterThan(60);
    expect(stdout).toContain(`saved ${out}`);

    const model = await loadBaseModel(out);
    try {
      expect(model.numClasses).toBe(3);
      expect(model.inputSize).toBe(784);
      expect(model.metadata).toMatchObject({ dataSource: 'embedded', upstreamClasses: '[0,1,2]', hidden: '[16]' });
    } finally {
      model.dispose();
    }
  });

  it('refuses to replace an existing model file without --overwrite', async () => {
    const out = join(folder, 'existing.safetensors');
    writeFileSync(out, 'saved earlier');
    const { code, stderr } = await runCli(['pretrain', '--out', out]);
    expect(code).toBe(2);
    expect(stderr).toBe(`error: ${out} already exists; pass --overwrite to replace it, or choose another --out\n`);
    expect(readFileSync(out, 'utf8')).toBe('saved earlier');
  });

  it('refuses an --out under a file before training, for either model', async () => {
    const file = join(folder, 'a-file');
    writeFileSync(file, 'kept');
    const out = join(file, 'base.safetensors');
    for (const model of ['image', 'text']) {
      const { code, stdout, stderr } = await runCli(['pretrain', '--model', model, '--epochs', '1', '--steps', '1', '--out', out]);
      expect(code).toBe(2);
      expect(stderr).toBe(`error: --out ${out} lies under ${file}, which is a file, not a folder; choose another --out\n`);
      expect(stdout).not.toContain('pre-training');
    }
    expect(readFileSync(file, 'utf8')).toBe('kept');
  });

  it('rejects option values outside their range as bad input', async () => {
    const classes = await runCli(['pretrain', '--upstream-classes', '0,11']);
    expect(classes.code).toBe(2);
    expect(classes.stderr).toContain('expected comma-separated whole numbers from 0 to 9');
    const backend = await runCli(['pretrain', '--tf-backend', 'gpu']);
    expect(backend.code).toBe(2);
    expect(backend.stderr).toContain('Allowed choices are auto, cpu, wasm');
  });

  it('pre-trains the text model on fortune collections and reports held-out bits per byte', async () => {
    // Invented fortunes in the installed layout: English at the top level, one folder per other language.
    const fortunes = join(folder, 'fortunes');
    for (const language of ['', 'de', 'es', 'it', 'pl', 'cs', 'ru']) {
      mkdirSync(join(fortunes, language), { recursive: true });
      const entries = Array.from({ length: 30 }, (_, i) => `Fortune ${i} of "${language || 'en'}": ümlaut ${i * 7}.`);
      writeFileSync(join(fortunes, language, 'sayings'), `${entries.join('\n%\n')}\n%\n`);
    }
    const out = join(folder, 'text.safetensors');
    const argv = ['pretrain', '--model', 'text', '--fortunes', fortunes, '--context', '16', '--d-model', '8'];
    argv.push('--layers', '1', '--heads', '2', '--steps', '3', '--tf-backend', 'cpu', '--out', out);
    const { code, stdout, stderr } = await runCli(argv);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^data: 210 fortunes in en,de,es,it,pl,cs,ru \(7 collections\); pre-training pool \d+ fortunes/m);
    expect(stdout).toMatch(/^step 3\/3: [\d.]+ bits\/byte$/m);
    expect(stdout).toMatch(/^held-out next-byte loss: [\d.]+ bits\/byte \(perplexity [\d.]+\); unigram baseline [\d.]+ bits\/byte/m);
    const model = await loadBaseModel(out);
    try {
      expect(model.architecture).toBe('transformer');
      expect(model.inputSize).toBe(16);
      expect(model.metadata).toMatchObject({ dataset: 'fortunes', pretrainSteps: '3', dModel: '8', layers: '1' });
      expect(JSON.parse(model.metadata['corpusLanguages']!)).toEqual(['en', 'de', 'es', 'it', 'pl', 'cs', 'ru']);
    } finally {
      model.dispose();
    }
  });

  it('names the Debian package when a language of the text model is not installed', async () => {
    const empty = join(folder, 'no-fortunes');
    mkdirSync(empty, { recursive: true });
    const { code, stderr } = await runCli(['pretrain', '--model', 'text', '--fortunes', empty, '--out', join(folder, 'x')]);
    expect(code).toBe(2);
    expect(stderr).toContain('apt-get install fortunes');
  });
});
