/**
 * loadDataset: names, IDX paths and folders dispatch to the right loader; bad specs are coded errors.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATASET_NAMES, loadDataset, writeIdx } from '../../src/data/index.js';
import { ERROR_CODES, GenforgeError } from '../../src/errors.js';
import { encodePng, pixelsOf } from './fixtures.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'genforge-index-'));
  writeIdx(join(dir, 'images'), Uint8Array.from({ length: 4 * 2 * 2 }, (_, i) => i), [4, 2, 2]);
  writeIdx(join(dir, 'labels'), Uint8Array.from([1, 0, 1, 2]), [4]);
  mkdirSync(join(dir, 'pics', 'a'), { recursive: true });
  mkdirSync(join(dir, 'pics', 'b'), { recursive: true });
  writeFileSync(join(dir, 'pics', 'a', '1.png'), encodePng(4, 4, 2, 8, pixelsOf(4, 4, () => [255, 0, 0])));
  writeFileSync(join(dir, 'pics', 'b', '2.png'), encodePng(4, 4, 2, 8, pixelsOf(4, 4, () => [0, 0, 255])));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function rejectsCoded(p: Promise<unknown>, code: string, ...patterns: RegExp[]): Promise<void> {
  return assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof GenforgeError, String(e));
    assert.equal(e.code, code);
    for (const re of patterns) assert.match(e.message, re);
    return true;
  });
}

test('DATASET_NAMES lists the named datasets', () => {
  assert.deepEqual([...DATASET_NAMES], ['mnist', 'fashion-mnist']);
});

test('"mnist" with a split', async () => {
  const ds = await loadDataset({ dataset: 'mnist', split: 'test' });
  assert.equal(ds.name, 'mnist');
  assert.equal(ds.split, 'test');
  assert.equal(ds.count, 10_000);
  assert.equal((await loadDataset({ dataset: 'mnist' })).count, 60_000, 'train is the default split');
});

test('an IDX path, with and without labels', async () => {
  const ds = await loadDataset({ dataset: join(dir, 'images'), labels: join(dir, 'labels') });
  assert.equal(ds.count, 4);
  assert.equal(ds.split, 'all');
  assert.deepEqual([...ds.labels!], [1, 0, 1, 2]);
  assert.deepEqual(ds.classNames, ['0', '1', '2']);
  assert.equal((await loadDataset({ dataset: join(dir, 'images') })).labels, null);
});

test('a folder path uses imageSize and channels', async () => {
  const ds = await loadDataset({ dataset: join(dir, 'pics'), imageSize: 2 });
  assert.deepEqual(ds.classNames, ['a', 'b']);
  assert.equal(ds.channels, 3);
  assert.equal(ds.height, 2);
  assert.deepEqual([...ds.pixels.subarray(0, 3)], [255, 0, 0]);
  const gray = await loadDataset({ dataset: join(dir, 'pics'), imageSize: 2, channels: 1 });
  assert.equal(gray.channels, 1);
  assert.equal(gray.pixels.length, 2 * 2 * 2);
});

test('a path that does not exist lists the valid names', async () => {
  await rejectsCoded(loadDataset({ dataset: join(dir, 'missing') }), ERROR_CODES.DATASET_NOT_FOUND, /missing/, /mnist, fashion-mnist/, /IDX image file/, /folder/);
  await rejectsCoded(loadDataset({ dataset: 'MNIST' }), ERROR_CODES.DATASET_NOT_FOUND, /"MNIST" is neither a known name/);
  await rejectsCoded(loadDataset({ dataset: join(dir, 'images'), labels: join(dir, 'nolabels') }), ERROR_CODES.DATASET_NOT_FOUND, /nolabels/);
  writeFileSync(join(dir, 'zipped.gz'), 'x');
  await rejectsCoded(loadDataset({ dataset: join(dir, 'zipped') }), ERROR_CODES.DATASET_NOT_FOUND, /zipped\.gz does/, /gunzip/);
});

test('--labels with a folder or a named dataset is an error', async () => {
  await rejectsCoded(loadDataset({ dataset: join(dir, 'pics'), labels: join(dir, 'labels') }), ERROR_CODES.BAD_CONFIG, /cannot be used with a folder/, /sub-folders/);
  await rejectsCoded(loadDataset({ dataset: 'mnist', labels: join(dir, 'labels') }), ERROR_CODES.BAD_CONFIG, /labels built in/);
});

test('a single image file is pointed at its folder; a bad split is refused', async () => {
  await rejectsCoded(loadDataset({ dataset: join(dir, 'pics', 'a', '1.png') }), ERROR_CODES.BAD_DATA_FILE, /single image/, /pass the folder/);
  await rejectsCoded(loadDataset({ dataset: 'mnist', split: 'val' as 'test' }), ERROR_CODES.BAD_CONFIG, /"train" or "test"/);
});
