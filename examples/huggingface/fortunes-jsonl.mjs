#!/usr/bin/env node
// Writes the English fortunes of Debian's `fortunes` packages as JSONL, one fortune per line:
// {"text": …, "label": collection}. The federated fine-tuning example reads it as its corpus.
//
//   node examples/huggingface/fortunes-jsonl.mjs [OUT]     (default examples/huggingface/corpus.jsonl)
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFortuneCorpus } from '@fedtune/core';

const out = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), 'corpus.jsonl');
const records = loadFortuneCorpus({ languages: ['en'] });
writeFileSync(out, records.map((record) => JSON.stringify({ text: record.text, label: record.collection })).join('\n') + '\n');
console.log(`${records.length} fortunes written to ${out}`);
