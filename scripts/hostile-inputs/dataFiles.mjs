// Data folders (`data.source` naming a folder of the four Fashion-MNIST IDX files) and copies of the
// embedded data folder (FEDTUNE_DATA_DIR): files that are devices, pipes or folders, IDX files cut
// short or with broken headers, labels that are no class, gzip files that are bombs or garbage, and
// checksum lists that lie.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { EMBEDDED_DATA, finishedRunProblem, IDX, idxBytes, idxFolder, mkfifo, REPO, runExperimentArgs, smallExperiment, symlink } from './fixtures.mjs';

const KIND = 'data';
const entries = [];
const refused = (id, description, setup, extra = {}) => entries.push({ id, kind: KIND, description, expect: 'refused', setup, ...extra });
const accepted = (id, description, setup, check = (dir) => finishedRunProblem(join(dir, 'out')), extra = {}) =>
  entries.push({ id, kind: KIND, description, expect: 'accepted', setup, check, ...extra });

const experiment = smallExperiment({ data: { source: 'idx' } });
/** The small experiment on the folder `idx` inside the entry's folder, made by `make(folder)`. */
const onFolder = (make) => (dir) => {
  make(join(dir, 'idx'));
  return runExperimentArgs(dir, experiment);
};
/** A folder whose `role` file is replaced by `bytes` (null: left out). */
const withFile = (role, bytes) => onFolder((folder) => idxFolder(folder, { [role]: typeof bytes === 'function' ? bytes() : bytes }));
/** A folder whose `role` file is a special file made by `make(path)`. */
const withSpecial = (role, make, name = IDX[role]) =>
  onFolder((folder) => {
    idxFolder(folder, { [role]: null });
    make(join(folder, name));
  });

/** The embedded IDX bytes of `role` with `change(bytes)` applied. */
const changed = (role, change) => () => {
  const bytes = idxBytes(role);
  return change(bytes) ?? bytes;
};
const IMAGE_BYTES = 28 * 28;

// ---- controls: folders that must work -------------------------------------------------------------
accepted('data-folder-plain', 'a folder of the four IDX files, uncompressed (control)', onFolder((folder) => idxFolder(folder)));
accepted('data-folder-gzip', 'a folder of the four IDX files, gzipped (control)', onFolder((folder) => {
  mkdirSync(folder, { recursive: true });
  for (const name of Object.values(IDX)) cpSync(join(EMBEDDED_DATA, `${name}.gz`), join(folder, `${name}.gz`));
}));

// ---- folders and files that are not what they should be -------------------------------------------
refused('data-folder-missing', 'data.source names a folder that does not exist', (dir) => runExperimentArgs(dir, experiment));
refused('data-folder-empty', 'data.source names an empty folder', onFolder((folder) => mkdirSync(folder)));
refused('data-labels-missing', 'the training labels file is missing', withFile('trainLabels', null));
refused('data-source-regular-file', 'data.source names a regular file', (dir) => {
  writeFileSync(join(dir, 'idx'), 'not a folder');
  return runExperimentArgs(dir, experiment);
});
refused('data-source-dev-zero', 'data.source is "/dev/zero"', (dir) => runExperimentArgs(dir, smallExperiment({ data: { source: '/dev/zero' } })));
refused('data-images-dev-zero', 'the training images file is a link to /dev/zero', withSpecial('trainImages', (path) => symlink('/dev/zero', path)));
refused('data-labels-fifo', 'the training labels file is a named pipe nobody writes to', withSpecial('trainLabels', mkfifo));
refused('data-images-gz-fifo', 'train-images-idx3-ubyte.gz is a named pipe', withSpecial('trainImages', mkfifo, `${IDX.trainImages}.gz`));
refused('data-images-directory', 'a folder in place of the training images file', withSpecial('trainImages', (path) => mkdirSync(path)));
refused('data-images-dangling-link', 'the training images file is a link to nothing', withSpecial('trainImages', (path) => symlink(`${path}.gone`, path)));
refused('data-images-empty', 'an empty training images file', withFile('trainImages', Buffer.alloc(0)));

// ---- IDX files cut short ----------------------------------------------------------------------------
for (const length of [8, 16, 16 + 5 * IMAGE_BYTES + 100]) {
  refused(`data-images-truncated-${length}`, `the training images file cut to its first ${length} bytes`, withFile('trainImages', changed('trainImages', (bytes) => bytes.subarray(0, length))));
}
refused('data-images-truncated-last-byte', 'the training images file missing its last byte', withFile('trainImages', changed('trainImages', (bytes) => bytes.subarray(0, bytes.length - 1))));
refused('data-images-trailing-bytes', 'the training images file with 1,000 bytes after its last image', withFile('trainImages', changed('trainImages', (bytes) => Buffer.concat([bytes, Buffer.alloc(1000, 7)]))));

// ---- IDX headers ------------------------------------------------------------------------------------
const header = (role, offset, value) => changed(role, (bytes) => void (bytes[offset] = value));
const headerWord = (role, offset, value) => changed(role, (bytes) => void bytes.writeUInt32BE(value, offset));
refused('data-images-wrong-magic', 'the training images file starts with byte 1 (not an IDX magic)', withFile('trainImages', header('trainImages', 0, 1)));
refused('data-images-type-float', 'the training images file declares float32 values (type 0x0D)', withFile('trainImages', header('trainImages', 2, 0x0d)));
refused('data-images-type-unknown', 'the training images file declares type 0x42, which IDX does not have', withFile('trainImages', header('trainImages', 2, 0x42)));
for (const dims of [0, 255]) {
  refused(`data-images-dims-${dims}`, `the training images file declares ${dims} dimensions instead of 3`, withFile('trainImages', header('trainImages', 3, dims)));
}
refused('data-images-count-huge', 'the training images file declares 4,294,967,295 images', withFile('trainImages', headerWord('trainImages', 4, 0xffffffff)));
refused('data-images-rows-0', 'the training images file declares 0 rows per image', withFile('trainImages', headerWord('trainImages', 8, 0)));
refused('data-images-size-overflow', 'the training images file declares 65536×65536×65536 (the product overflows 2^32)', withFile('trainImages', changed('trainImages', (bytes) => {
  bytes.writeUInt32BE(65536, 4);
  bytes.writeUInt32BE(65536, 8);
  bytes.writeUInt32BE(65536, 12);
})));
refused('data-labels-count-mismatch', 'one label fewer than there are training images', withFile('trainLabels', changed('trainLabels', (bytes) => {
  bytes.writeUInt32BE(bytes.readUInt32BE(4) - 1, 4);
  return bytes.subarray(0, bytes.length - 1);
})));
refused('data-label-10', 'a training label of 10, not a class', withFile('trainLabels', changed('trainLabels', (bytes) => void (bytes[8 + 17] = 10))));
refused('data-label-255', 'a test label of 255', withFile('testLabels', changed('testLabels', (bytes) => void (bytes[bytes.length - 1] = 255))));

// ---- gzip ---------------------------------------------------------------------------------------------
let zeroMember;
/** A gzip member of 64 MiB of zeros (compresses to about 64 kB). */
function zeros64Mb() {
  zeroMember ??= gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
  return zeroMember;
}
/** A gzip bomb: `header` then `members` × 64 MiB of zeros, as concatenated gzip members. */
function bomb(header, members) {
  return Buffer.concat([gzipSync(header), ...Array.from({ length: members }, zeros64Mb)]);
}
const imagesHeader = (count) => {
  const bytes = Buffer.alloc(16);
  bytes.writeUInt32BE(0x0803, 0);
  bytes.writeUInt32BE(count, 4);
  bytes.writeUInt32BE(28, 8);
  bytes.writeUInt32BE(28, 12);
  return bytes;
};
const gzFolder = (role, gz) =>
  onFolder((folder) => {
    idxFolder(folder, { [role]: null });
    writeFileSync(join(folder, `${IDX[role]}.gz`), gz());
  });
refused('data-gzip-bomb-4gb', 'train-images-idx3-ubyte.gz: 4 MB that inflate to 4 GiB (a 12,000-image header, then zeros)', gzFolder('trainImages', () => bomb(imagesHeader(12000), 64)));
refused('data-gzip-bomb-claims-huge', 'train-images-idx3-ubyte.gz whose header claims 2^31 images and inflates to 1 GiB', gzFolder('trainImages', () => bomb(imagesHeader(0x7fffffff), 16)));
refused('data-gzip-garbage', 'train-images-idx3-ubyte.gz that is not gzip at all', gzFolder('trainImages', () => Buffer.from('this is not gzip data\n'.repeat(100))));
refused('data-gzip-truncated', 'train-images-idx3-ubyte.gz cut in half', gzFolder('trainImages', () => {
  const gz = readFileSync(join(EMBEDDED_DATA, `${IDX.trainImages}.gz`));
  return gz.subarray(0, gz.length >> 1);
}));
refused('data-gzip-trailing-garbage', 'train-labels-idx1-ubyte.gz with garbage bytes after the gzip stream', gzFolder('trainLabels', () =>
  Buffer.concat([readFileSync(join(EMBEDDED_DATA, `${IDX.trainLabels}.gz`)), Buffer.from('garbage after the end')]),
));

// ---- copies of the embedded data folder (FEDTUNE_DATA_DIR) ---------------------------------------
/** A copy of the repository's data/ folder changed by `change(copy)`, used through FEDTUNE_DATA_DIR. */
const embeddedCopy = (change) => (dir) => {
  const copy = join(dir, 'data');
  cpSync(join(REPO, 'data'), copy, { recursive: true });
  change(copy);
  return { ...runExperimentArgs(dir, smallExperiment()), env: { FEDTUNE_DATA_DIR: copy } };
};
const sums = (copy) => join(copy, 'fashion-mnist', 'SHA256SUMS');
accepted('data-env-copy', 'FEDTUNE_DATA_DIR naming an intact copy of data/ (control)', embeddedCopy(() => {}));
refused('data-env-missing', 'FEDTUNE_DATA_DIR naming a folder that does not exist', (dir) => ({
  ...runExperimentArgs(dir, smallExperiment()),
  env: { FEDTUNE_DATA_DIR: join(dir, 'nowhere') },
}));
refused('data-env-checksum-mismatch', 'an embedded training labels file changed after its checksum was listed', embeddedCopy((copy) => {
  const labels = idxBytes('trainLabels');
  labels[8] = (labels[8] + 1) % 10;
  writeFileSync(join(copy, 'fashion-mnist', `${IDX.trainLabels}.gz`), gzipSync(labels));
}));
refused('data-env-sums-dev-zero', 'the embedded SHA256SUMS is a link to /dev/zero', embeddedCopy((copy) => symlinkOver(sums(copy), '/dev/zero')));
refused('data-env-sums-missing-entry', 'the embedded SHA256SUMS lacks the test labels line', embeddedCopy((copy) => {
  const text = readFileSync(sums(copy), 'utf8');
  writeFileSync(sums(copy), text.split('\n').filter((line) => !line.includes(IDX.testLabels)).join('\n'));
}));
refused('data-env-sums-huge', 'the embedded SHA256SUMS is 20 MB of one line', embeddedCopy((copy) => writeFileSync(sums(copy), 'a'.repeat(20 * 1024 * 1024))));
refused('data-env-no-base', 'a copy of data/ without base/ (the embedded base is missing)', embeddedCopy((copy) => rmTree(join(copy, 'base'))));

/** Replaces `path` by a link to `target`, or by a named pipe when `target` is null. */
function symlinkOver(path, target) {
  rmTree(path);
  if (target === null) mkfifo(path);
  else symlink(target, path);
}

function rmTree(path) {
  rmSync(path, { recursive: true, force: true });
}

export { entries };
