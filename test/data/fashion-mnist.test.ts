/**
 * Fashion-MNIST from the fashion-mnist package: split sizes, stratification, a split that never changes,
 * and the binary cache (built once, then read instead of the JSON; rebuilt when damaged).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, rmSync, statSync, truncateSync, writeSync, closeSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FASHION_MNIST_CLASS_NAMES,
  fashionMnistCachePath,
  loadFashionMnist,
  stratifiedSplit,
} from '../../src/data/fashion-mnist.js';
import { setLogSink, type LogLevel } from '../../src/log.js';
import type { Dataset } from '../../src/data/types.js';

let cache: string;
const logged: string[] = [];
let savedEnv: string | undefined;
before(() => {
  cache = mkdtempSync(join(tmpdir(), 'genforge-fmnist-'));
  savedEnv = process.env.GENFORGE_CACHE;
  process.env.GENFORGE_CACHE = cache;
  setLogSink((_l: LogLevel, m: string) => logged.push(m));
});
after(() => {
  if (savedEnv === undefined) delete process.env.GENFORGE_CACHE;
  else process.env.GENFORGE_CACHE = savedEnv;
  rmSync(cache, { recursive: true, force: true });
});

function histogram(ds: Dataset): number[] {
  const h = new Array<number>(10).fill(0);
  for (const l of ds.labels!) h[l]!++;
  return h;
}

function digest(ds: Dataset): string {
  return createHash('sha256').update(ds.pixels).update(ds.labels!).digest('hex');
}

/** Labels of the package in source order: 7,000 per class once the two empty entries are dropped. */
function sourceLabels(): Uint8Array {
  const labels = new Uint8Array(70_000);
  for (let c = 0; c < 10; c++) labels.fill(c, c * 7000, (c + 1) * 7000);
  return labels;
}

test('stratifiedSplit is pure, stratified, disjoint, covering, and pinned', () => {
  const labels = sourceLabels();
  const a = stratifiedSplit(labels);
  const b = stratifiedSplit(labels);
  assert.deepEqual(a.test, b.test);
  assert.deepEqual(a.train, b.train);
  assert.equal(a.test.length, 10_000);
  assert.equal(a.train.length, 60_000);
  const seen = new Uint8Array(70_000);
  for (const i of a.test) seen[i]!++;
  for (const i of a.train) seen[i]!++;
  assert.ok(seen.every((n) => n === 1), 'every image is in exactly one split');
  const perClass = new Array<number>(10).fill(0);
  for (const i of a.test) perClass[labels[i]!]!++;
  assert.deepEqual(perClass, new Array(10).fill(1000));
  // Pinned: a change to the seed, the procedure or the Rng changes the published split (bump the cache version).
  assert.deepEqual([...a.test.subarray(0, 5)], [14435, 56051, 54297, 20350, 5931]);
  assert.deepEqual([...a.train.subarray(0, 5)], [57508, 13738, 50957, 69943, 14650]);
  // Classes are mixed, not in blocks.
  const firstHundred = new Set([...a.train.subarray(0, 100)].map((i) => labels[i]));
  assert.equal(firstHundred.size, 10);
  // A different seed gives a different split.
  assert.notDeepEqual([...stratifiedSplit(labels, 1).test.subarray(0, 5)], [...a.test.subarray(0, 5)]);
  assert.throws(() => stratifiedSplit(Uint8Array.from([0, 0, 1]), 1, 2), /class 1 has 1 images/);
});

let firstTrain: string;
let firstTest: string;

test('first load parses the package and writes the cache; splits are 60,000 / 10,000, stratified', () => {
  const path = fashionMnistCachePath();
  assert.equal(path, join(cache, 'fashion-mnist.v1.bin'));
  assert.equal(existsSync(path), false);
  const train = loadFashionMnist('train');
  assert.ok(logged.some((m) => m.includes('first use')), 'the first load says it builds the cache');
  assert.equal(statSync(path).size, 64 + 70_000 * 785);
  assert.equal(train.name, 'fashion-mnist');
  assert.equal(train.split, 'train');
  assert.equal(train.count, 60_000);
  assert.equal(train.height, 28);
  assert.equal(train.width, 28);
  assert.equal(train.channels, 1);
  assert.equal(train.pixels.length, 60_000 * 784);
  assert.deepEqual(histogram(train), new Array(10).fill(6000));
  assert.deepEqual(train.classNames, FASHION_MNIST_CLASS_NAMES);
  assert.equal(train.classNames![9], 'Ankle boot');
  firstTrain = digest(train);

  const test = loadFashionMnist('test');
  assert.equal(test.count, 10_000);
  assert.deepEqual(histogram(test), new Array(10).fill(1000));
  firstTest = digest(test);
  // Trousers (1) are tall and narrow, bags (8) wide: compare mean ink in the outer columns.
  const sideInk = (ds: Dataset, cls: number): number => {
    let s = 0;
    let n = 0;
    ds.labels!.forEach((l, i) => {
      if (l !== cls) return;
      n++;
      for (let y = 0; y < 28; y++) s += ds.pixels[i * 784 + y * 28 + 1]! + ds.pixels[i * 784 + y * 28 + 26]!;
    });
    return s / n;
  };
  assert.ok(sideInk(test, 8) > 3 * sideInk(test, 1), 'label 8 (Bag) should be wider than label 1 (Trouser)');
});

test('later loads read the cache, not the JSON', () => {
  logged.length = 0;
  const path = fashionMnistCachePath();
  const before = readFileSync(path).subarray(0, 64);
  // Poke a marker into the first train pixel of the cache: a load that reads the cache must see it.
  const fd = openSync(path, 'r+');
  writeSync(fd, Uint8Array.from([123]), 0, 1, 64);
  closeSync(fd);
  const train = loadFashionMnist('train');
  assert.equal(train.pixels[0], 123);
  assert.equal(logged.length, 0, `no rebuild expected, got: ${logged.join(' | ')}`);
  assert.deepEqual(readFileSync(path).subarray(0, 64), before);
  assert.equal(digest(loadFashionMnist('test')), firstTest);
});

test('a damaged cache is rebuilt, and the rebuilt split is byte-identical', () => {
  logged.length = 0;
  const path = fashionMnistCachePath();
  truncateSync(path, 1000);
  const train = loadFashionMnist('train');
  assert.ok(logged.some((m) => m.includes('stale')), `expected a rebuild, got: ${logged.join(' | ')}`);
  assert.equal(statSync(path).size, 64 + 70_000 * 785);
  assert.equal(digest(train), firstTrain, 'same split and bytes as the first build (the poked byte is gone)');
  assert.equal(digest(loadFashionMnist('test')), firstTest);
});
