/**
 * Readers (and an npy writer) for precomputed feature matrices, so that `genforge eval` can compare
 * features extracted elsewhere (e.g. Inception pool3 features from Python) or cached from an earlier run.
 *
 *   - `.json`: an array of rows, each an array of numbers, all rows the same length.
 *   - `.npy`:  NumPy's format, version 1, 2 or 3, dtype float32 or float64 (either byte order), C order,
 *              2-D. The header is parsed here: magic `\x93NUMPY`, version, header length (uint16 in v1,
 *              uint32 in v2/v3), then a Python dict literal with `descr`, `fortran_order` and `shape`.
 *
 * Anything else, NaN and ±Infinity included, is a GenforgeError (E_BAD_DATA_FILE) naming the file and what
 * was found.
 */

import { readFile } from 'node:fs/promises';

import { ERROR_CODES, GenforgeError, fmtCount } from '../errors.js';
import type { Features } from './metrics/features.js';

/** Read a feature matrix from a `.npy` or `.json` file (chosen by extension). */
export async function readFeatures(file: string): Promise<Features> {
  const lower = file.toLowerCase();
  if (!lower.endsWith('.npy') && !lower.endsWith('.json')) {
    throw bad(
      file,
      'has neither a .npy nor a .json extension; save features with numpy.save or as a JSON array of rows',
    );
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new GenforgeError(
      ERROR_CODES.BAD_DATA_FILE,
      `cannot read features file ${file}: ${(e as Error).message}`,
      { cause: e },
    );
  }
  return lower.endsWith('.npy') ? parseNpy(bytes, file) : parseFeaturesJson(bytes.toString('utf8'), file);
}

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Parse the bytes of a `.npy` file; `file` only names it in error messages. */
export function parseNpy(bytes: Uint8Array, file: string): Features {
  if (bytes.length < 10 || NPY_MAGIC.some((b, i) => bytes[i] !== b)) {
    throw bad(file, 'does not start with the .npy magic bytes \\x93NUMPY; it is not a NumPy .npy file');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw bad(file, `is .npy format version ${major}, expected 1, 2 or 3`);
  const lenBytes = major === 1 ? 2 : 4;
  const headerStart = 8 + lenBytes;
  if (bytes.length < headerStart) throw bad(file, 'ends inside the .npy header: the file is truncated');
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = headerStart + headerLen;
  if (bytes.length < dataStart) {
    throw bad(
      file,
      `ends after ${fmtCount(bytes.length)} bytes, inside its ${fmtCount(headerLen)}-byte header: ` +
        'the file is truncated',
    );
  }
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));

  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw bad(file, `has a .npy header without descr, fortran_order and shape: ${JSON.stringify(header.trim())}`);
  }
  const dtype = /^([<>=|])f([48])$/.exec(descr);
  if (!dtype) {
    throw bad(
      file,
      `holds dtype '${descr}', expected float32 ('<f4') or float64 ('<f8'); convert with .astype(numpy.float32)`,
    );
  }
  if (fortran === 'True') {
    throw bad(file, 'is stored in Fortran (column-major) order, expected C order; save numpy.ascontiguousarray(x)');
  }
  const dims = shapeText
    .split(',')
    .map((s) => s.trim().replace(/L$/, ''))
    .filter((s) => s.length > 0);
  if (dims.length !== 2 || !dims.every((s) => /^\d+$/.test(s))) {
    throw bad(file, `has shape (${shapeText}), expected a 2-D array (samples, features)`);
  }
  const n = Number(dims[0]);
  const d = Number(dims[1]);
  if (d === 0) throw bad(file, `has shape (${n}, 0): samples without features`);
  const itemSize = dtype[2] === '4' ? 4 : 8;
  const littleEndian = dtype[1] !== '>';
  const expected = n * d * itemSize;
  const found = bytes.length - dataStart;
  if (found !== expected) {
    throw bad(
      file,
      `holds ${fmtCount(found)} data bytes, expected ${fmtCount(expected)} for shape (${n}, ${d}) of ` +
        `${itemSize === 4 ? 'float32' : 'float64'}: the file is ` +
        (found < expected ? 'truncated' : 'longer than its header says'),
    );
  }
  const data = new Float64Array(n * d);
  if (itemSize === 8) {
    for (let k = 0; k < n * d; k++) data[k] = view.getFloat64(dataStart + 8 * k, littleEndian);
  } else {
    for (let k = 0; k < n * d; k++) data[k] = view.getFloat32(dataStart + 4 * k, littleEndian);
  }
  return checkFinite({ n, d, data }, file);
}

/** Parse a JSON array of equally long number rows; `file` only names it in error messages. */
export function parseFeaturesJson(text: string, file: string): Features {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new GenforgeError(
      ERROR_CODES.BAD_DATA_FILE,
      `features file ${file} is not valid JSON: ${(e as Error).message}`,
      { cause: e },
    );
  }
  if (!Array.isArray(value) || value.length === 0 || !Array.isArray(value[0])) {
    throw bad(file, 'is JSON but not a non-empty array of rows; expected [[x00, x01, ...], [x10, x11, ...], ...]');
  }
  const n = value.length;
  const d = (value[0] as unknown[]).length;
  if (d === 0) throw bad(file, 'has rows without values');
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const row: unknown = value[i];
    if (!Array.isArray(row) || row.length !== d) {
      const found = Array.isArray(row) ? `has ${row.length} values` : 'is not an array';
      throw bad(file, `row ${i} ${found}, expected ${d} values like row 0`);
    }
    for (let j = 0; j < d; j++) {
      const v: unknown = row[j];
      if (typeof v !== 'number') {
        throw bad(file, `row ${i}, column ${j} is ${JSON.stringify(v)}, expected a number`);
      }
      data[i * d + j] = v;
    }
  }
  return checkFinite({ n, d, data }, file); // JSON.parse turns 1e999 into Infinity
}

/** Encode a feature matrix as a version 1.0 `.npy` file (little-endian, C order). */
export function encodeNpy(f: Features, dtype: 'float32' | 'float64' = 'float64'): Uint8Array {
  const itemSize = dtype === 'float32' ? 4 : 8;
  let header = `{'descr': '<f${itemSize}', 'fortran_order': False, 'shape': (${f.n}, ${f.d}), }`;
  // Magic (6) + version (2) + length (2) + header + '\n' is padded with spaces to a multiple of 64.
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const dataStart = 10 + header.length;
  const out = new Uint8Array(dataStart + f.n * f.d * itemSize);
  out.set(NPY_MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  for (let k = 0; k < f.n * f.d; k++) {
    if (itemSize === 8) view.setFloat64(dataStart + 8 * k, f.data[k]!, true);
    else view.setFloat32(dataStart + 4 * k, f.data[k]!, true);
  }
  return out;
}

/** NaN or ±Infinity in a file is reported with the file and position (a metric would only know the set). */
function checkFinite(f: Features, file: string): Features {
  for (let k = 0; k < f.data.length; k++) {
    if (!Number.isFinite(f.data[k]!)) {
      const row = Math.floor(k / f.d);
      throw bad(
        file,
        `has ${f.data[k]} at row ${row}, column ${k - row * f.d}, expected finite numbers; ` +
          'the feature extractor produced non-finite values',
      );
    }
  }
  return f;
}

function bad(file: string, what: string): GenforgeError {
  return new GenforgeError(ERROR_CODES.BAD_DATA_FILE, `features file ${file} ${what}`);
}
