/**
 * Feature file readers: `.npy` (float32/float64, both byte orders, versions 1–3) and JSON rows, round trips
 * through encodeNpy, and a clear E_BAD_DATA_FILE naming the file for every malformed input.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { ERROR_CODES, GenforgeError } from '../../src/errors.js';
import { encodeNpy, parseFeaturesJson, parseNpy, readFeatures } from '../../src/eval/features-io.js';
import { featuresFromRows } from '../../src/eval/metrics/index.js';

const dir = mkdtempSync(join(tmpdir(), 'genforge-features-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const rows = [
  [0.5, -1.25, 3],
  [1e-7, 2.5, 0],
];
const f = featuresFromRows(rows);

/** A hand-built .npy file: header dict text, header-length width by version, then raw data bytes. */
function npy(header: string, data: Uint8Array, version = 1): Uint8Array {
  const lenBytes = version === 1 ? 2 : 4;
  const pre = 8 + lenBytes;
  let h = header;
  h += ' '.repeat((64 - ((pre + h.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(pre + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, h.length, true);
  else view.setUint32(8, h.length, true);
  out.set(new TextEncoder().encode(h), pre);
  out.set(data, pre + h.length);
  return out;
}

function floats(values: number[], size: 4 | 8, littleEndian: boolean): Uint8Array {
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => (size === 8 ? view.setFloat64(i * 8, v, littleEndian) : view.setFloat32(i * 4, v, littleEndian)));
  return out;
}

function expectBad(fn: () => unknown, ...fragments: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof GenforgeError, `expected a GenforgeError, got ${String(e)}`);
    assert.equal(e.code, ERROR_CODES.BAD_DATA_FILE);
    for (const s of ['x.npy', ...fragments]) assert.ok(e.message.includes(s), `message "${e.message}" lacks "${s}"`);
    return true;
  });
}

describe('.npy', () => {
  it('round-trips float64 exactly and float32 to float32 precision, header padded to 64 bytes', () => {
    const b64 = encodeNpy(f);
    assert.equal((b64.length - 6 * 8) % 64, 0);
    assert.deepEqual(parseNpy(b64, 'x.npy'), f);
    const b32 = parseNpy(encodeNpy(f, 'float32'), 'x.npy');
    assert.equal(b32.n, 2);
    assert.equal(b32.d, 3);
    b32.data.forEach((v, k) => assert.equal(v, Math.fround(f.data[k]!)));
  });
  it('reads big-endian data, versions 2 and 3, and Python 2 long shapes', () => {
    const flat = rows.flat();
    const be = npy("{'descr': '>f8', 'fortran_order': False, 'shape': (2, 3), }", floats(flat, 8, false));
    assert.deepEqual(Array.from(parseNpy(be, 'x.npy').data), flat);
    const v2 = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", floats(flat, 4, true), 2);
    const r2 = parseNpy(v2, 'x.npy');
    assert.equal(r2.n, 3);
    assert.equal(r2.d, 2);
    const v3 = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 6), }", floats(flat, 8, true), 3);
    assert.deepEqual(Array.from(parseNpy(v3, 'x.npy').data), flat);
    const py2 = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2L, 3L), }", floats(flat, 8, true));
    assert.equal(parseNpy(py2, 'x.npy').d, 3);
  });
  it('rejects files that are not 2-D float32/float64 C-order arrays', () => {
    const data = floats(rows.flat(), 8, true);
    expectBad(() => parseNpy(new TextEncoder().encode('{"not": "npy"}'), 'x.npy'), 'magic');
    expectBad(() => parseNpy(npy("{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3), }", data), 'x.npy'), "'<i8'");
    expectBad(() => parseNpy(npy("{'descr': '<f2', 'fortran_order': False, 'shape': (2, 3), }", data), 'x.npy'), "'<f2'");
    expectBad(() => parseNpy(npy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", data), 'x.npy'), 'Fortran');
    expectBad(() => parseNpy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (6,), }", data), 'x.npy'), '2-D');
    expectBad(() => parseNpy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2, 3), }", data), 'x.npy'), '2-D');
    expectBad(() => parseNpy(npy("{'descr': '<f8', 'shape': (2, 3), }", data), 'x.npy'), 'fortran_order');
    const v9 = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", data);
    v9[6] = 9;
    expectBad(() => parseNpy(v9, 'x.npy'), 'version 9');
  });
  it('rejects NaN and Infinity with their position', () => {
    const nan = encodeNpy(featuresFromRows([[1, 2], [3, NaN]]), 'float32');
    expectBad(() => parseNpy(nan, 'x.npy'), 'NaN at row 1, column 1');
    const inf = encodeNpy(featuresFromRows([[1, -Infinity], [3, 4]]));
    expectBad(() => parseNpy(inf, 'x.npy'), '-Infinity at row 0, column 1');
  });
  it('rejects truncated and over-long files with byte counts', () => {
    const good = encodeNpy(f);
    expectBad(() => parseNpy(good.subarray(0, good.length - 8), 'x.npy'), 'holds 40 data bytes, expected 48', 'truncated');
    expectBad(() => parseNpy(good.subarray(0, 40), 'x.npy'), 'inside its', 'truncated');
    const longer = new Uint8Array(good.length + 4);
    longer.set(good);
    expectBad(() => parseNpy(longer, 'x.npy'), 'longer than its header says');
  });
});

describe('JSON', () => {
  it('reads an array of rows', () => {
    assert.deepEqual(parseFeaturesJson(JSON.stringify(rows), 'x.json'), f);
  });
  it('rejects invalid JSON, non-arrays, ragged rows and non-numbers, naming file and position', () => {
    const bad = (text: string, ...fragments: string[]): void =>
      assert.throws(
        () => parseFeaturesJson(text, 'x.json'),
        (e: unknown) =>
          e instanceof GenforgeError &&
          e.code === ERROR_CODES.BAD_DATA_FILE &&
          ['x.json', ...fragments].every((s) => e.message.includes(s)),
      );
    bad('[[1, 2], [3', 'not valid JSON');
    bad('{"rows": []}', 'array of rows');
    bad('[]', 'array of rows');
    bad('[[1, 2], [3]]', 'row 1 has 1 values, expected 2');
    bad('[[1, 2], [3, null]]', 'row 1, column 1 is null');
    bad('[[1, 2], [3, "4"]]', 'row 1, column 1 is "4"');
    bad('[[1, 2], [3, 1e999]]', 'Infinity at row 1, column 1');
  });
});

describe('readFeatures', () => {
  it('reads .npy and .json files by extension', async () => {
    const npyFile = join(dir, 'f.npy');
    const jsonFile = join(dir, 'f.JSON');
    writeFileSync(npyFile, encodeNpy(f));
    writeFileSync(jsonFile, JSON.stringify(rows));
    assert.deepEqual(await readFeatures(npyFile), f);
    assert.deepEqual(await readFeatures(jsonFile), f);
  });
  it('names the file when it is missing, has another extension or is broken', async () => {
    const check = async (file: string, fragment: string): Promise<void> => {
      await assert.rejects(readFeatures(file), (e: unknown) => {
        assert.ok(e instanceof GenforgeError);
        assert.equal(e.code, ERROR_CODES.BAD_DATA_FILE);
        assert.ok(e.message.includes(file) && e.message.includes(fragment), e.message);
        return true;
      });
    };
    await check(join(dir, 'missing.npy'), 'cannot read');
    const csv = join(dir, 'f.csv');
    writeFileSync(csv, '1,2\n');
    await check(csv, 'extension');
    const html = join(dir, 'page.npy');
    writeFileSync(html, '<!doctype html><html></html>');
    await check(html, 'magic');
  });
});
