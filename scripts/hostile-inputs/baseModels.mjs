// Base models (`model.base` naming a safetensors file): damaged copies of the embedded MLP base —
// NaN and Infinity weights, headers that lie about lengths, dtypes and shapes — and files that are
// not files.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_MODEL, finishedRunProblem, mkfifo, runExperimentArgs, smallExperiment, symlink, TEXT_BASE_MODEL } from './fixtures.mjs';
import { parseSafetensors, rewriteTensors, tensorRange } from './safetensors.mjs';

const KIND = 'base-model';
const entries = [];
const refused = (id, description, setup, extra = {}) => entries.push({ id, kind: KIND, description, expect: 'refused', setup, ...extra });

const experiment = smallExperiment({ model: { base: 'base.safetensors' } });
/** The small experiment on `base.safetensors` in the entry's folder, made by `make(path)`. */
const withBase = (make) => (dir) => {
  make(join(dir, 'base.safetensors'));
  return runExperimentArgs(dir, experiment);
};
/** A copy of the embedded base with `change(bytes)` applied to its raw bytes. */
const changedCopy = (change) =>
  withBase((path) => {
    const bytes = readFileSync(BASE_MODEL);
    writeFileSync(path, change(bytes) ?? bytes);
  });
/** A copy of the embedded base with its tensors or metadata changed through `change({ tensors, metadata })`. */
const rewrittenCopy = (change) =>
  withBase((path) => {
    writeFileSync(path, readFileSync(BASE_MODEL));
    rewriteTensors(path, change);
  });
/** Writes float32 `value` at element `index` of tensor `name` in `bytes`. */
const poke = (name, index, value) => (bytes) => void bytes.writeFloatLE(value, tensorRange(bytes, name).begin + 4 * index);
/** A header of `text` (the data kept), with its length written as `length` (default: the text's). */
const withHeader = (text, length) => (bytes) => {
  const { dataStart } = parseSafetensors(bytes);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(length ?? Buffer.byteLength(text)));
  return Buffer.concat([prefix, Buffer.from(text), bytes.subarray(dataStart)]);
};
const headerOf = (bytes) => parseSafetensors(bytes).header;

entries.push({
  id: 'base-copy',
  kind: KIND,
  description: 'an intact copy of the embedded base named by path (control)',
  expect: 'accepted',
  setup: withBase((path) => writeFileSync(path, readFileSync(BASE_MODEL))),
  check: (dir) => finishedRunProblem(join(dir, 'out')),
});
refused('base-nan-weight', 'one NaN weight in fc1.weight of a copy of the embedded base', changedCopy(poke('fc1.weight', 1234, Number.NaN)));
refused('base-inf-weight', 'one +Infinity weight in fc2.weight', changedCopy(poke('fc2.weight', 77, Number.POSITIVE_INFINITY)));
refused('base-missing-tensor', 'a base without fc2.weight', rewrittenCopy((content) => {
  content.tensors = content.tensors.filter((t) => t.name !== 'fc2.weight');
}));
refused('base-shape-mismatch', 'fc2.weight declared [256, 128] where fc1 gives 256 outputs and fc2 128 (transposed)', rewrittenCopy(({ tensors }) => {
  tensors.find((t) => t.name === 'fc2.weight').shape = [256, 128];
}));
refused('base-metadata-hidden-lies', 'metadata hidden "[512,64]" against tensors of [256,128]', rewrittenCopy(({ metadata }) => {
  metadata.hidden = '[512,64]';
}));
refused('base-text-transformer', 'the fortunes transformer base for the Fashion-MNIST data set', withBase((path) => writeFileSync(path, readFileSync(TEXT_BASE_MODEL))));
refused('base-header-length-beyond-file', 'a header length of 10^12, past the end of the file', changedCopy((bytes) => void bytes.writeBigUInt64LE(10n ** 12n, 0)));
refused('base-header-length-max', 'a header length of 2^64 − 1', changedCopy((bytes) => void bytes.writeBigUInt64LE(2n ** 64n - 1n, 0)));
refused('base-header-not-json', 'a header that is not JSON', changedCopy((bytes) => withHeader('{not json at all}   ')(bytes)));
refused('base-header-5000-deep', 'a header whose metadata nests 5,000 lists', changedCopy((bytes) =>
  withHeader(JSON.stringify({ ...headerOf(bytes), __metadata__: { x: '' } }).replace('"x":""', `"x":${'['.repeat(5000)}${']'.repeat(5000)}`))(bytes),
));
refused('base-dtype-unknown', 'fc1.bias declared dtype "X99"', changedCopy((bytes) => {
  const header = headerOf(bytes);
  header['fc1.bias'].dtype = 'X99';
  return withHeader(JSON.stringify(header).padEnd(parseSafetensors(bytes).headerLength))(bytes);
}));
refused('base-offsets-overlap', 'fc2.bias data offsets overlapping fc1.weight', changedCopy((bytes) => {
  const header = headerOf(bytes);
  header['fc2.bias'].data_offsets = [0, 512];
  return withHeader(JSON.stringify(header).padEnd(parseSafetensors(bytes).headerLength))(bytes);
}));
refused('base-shape-huge', 'fc1.weight declared [4294967296, 4294967296]', changedCopy((bytes) => {
  const header = headerOf(bytes);
  header['fc1.weight'].shape = [4294967296, 4294967296];
  return withHeader(JSON.stringify(header).padEnd(parseSafetensors(bytes).headerLength))(bytes);
}));
refused('base-truncated', 'the base cut to half its length', changedCopy((bytes) => bytes.subarray(0, bytes.length >> 1)));
refused('base-missing', 'model.base naming a file that does not exist', withBase(() => {}));
refused('base-directory', 'model.base naming a folder', withBase((path) => mkdirSync(path)));
refused('base-dev-zero', 'model.base a link to /dev/zero', withBase((path) => symlink('/dev/zero', path)));
refused('base-fifo', 'model.base a named pipe nobody writes to', withBase(mkfifo));

export { entries };
