/**
 * IDX files, the format MNIST and many of its relatives ship in (LeCun et al., "THE MNIST DATABASE of
 * handwritten digits", file format section). Layout, all integers big-endian:
 *
 *   byte 0, 1   0x00 0x00
 *   byte 2      element type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
 *   byte 3      number of dimensions d
 *   4 · d bytes each dimension as uint32
 *   then        the elements, row-major (last dimension fastest)
 *
 * `decodeIdx` reads every element type; `loadIdxDataset` accepts uint8 images only (0..255 pixel bytes, what
 * every image IDX file in the wild holds) and labels of any integer type with values 0..255. A uint8 payload
 * is returned as a view on the file's bytes, never copied. `encodeIdx` / `writeIdx` write uint8 arrays with
 * any dimensions (used by `genforge sample --format idx`).
 *
 * Every way a file can be wrong that people actually meet (gzip not unpacked, an HTML error page saved under
 * the file's name, a truncated download, trailing bytes, the images and labels files swapped) is a
 * GenforgeError(BAD_DATA_FILE) whose one-line message names the file, says what is wrong and what to do.
 */
import { readFileSync } from 'node:fs';
import { ERROR_CODES, GenforgeError, fmtCount } from '../errors.js';
import { writeFileAtomic } from '../util/atomic.js';
import type { Dataset } from './types.js';

export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  readonly dtype: IdxDtype;
  /** Dimensions from the header, outermost first: [N, H, W] for a typical image file. */
  readonly dims: readonly number[];
  /** The elements, row-major. For uint8 this is a view on the input bytes (no copy). */
  readonly data: IdxData;
}

/** What a file is expected to hold; decides the allowed dimension counts. */
export type IdxRole = 'images' | 'labels' | 'any';

export interface IdxReadOptions {
  /** Expected content; 'images' needs 3 or 4 dims (N×H×W or N×H×W×C), 'labels' needs 1. Default 'any'. */
  readonly role?: IdxRole;
  /** What the user should do when the file is damaged; default "download it again". */
  readonly fix?: string;
}

const DTYPES: Readonly<Record<number, { dtype: IdxDtype; bytes: number }>> = {
  0x08: { dtype: 'uint8', bytes: 1 },
  0x09: { dtype: 'int8', bytes: 1 },
  0x0b: { dtype: 'int16', bytes: 2 },
  0x0c: { dtype: 'int32', bytes: 4 },
  0x0d: { dtype: 'float32', bytes: 4 },
  0x0e: { dtype: 'float64', bytes: 8 },
};

const UINT8_CODE = 0x08;

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}

function bad(file: string, what: string): GenforgeError {
  return new GenforgeError(ERROR_CODES.BAD_DATA_FILE, `${file}: ${what}`);
}

/** True when the bytes look like text markup (an HTML page or XML error document) rather than binary data. */
function looksLikeMarkup(bytes: Uint8Array): boolean {
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3; // UTF-8 byte order mark
  while (i < bytes.length && i < 64 && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  return bytes[i] === 0x3c; // '<': <!DOCTYPE html>, <html>, <?xml ...>
}

/**
 * Parse IDX bytes. `file` is only used in messages. Throws GenforgeError(BAD_DATA_FILE) for anything that is
 * not a complete, well-formed IDX file of the expected role.
 */
export function decodeIdx(bytes: Uint8Array, file: string, options: IdxReadOptions = {}): IdxArray {
  const role = options.role ?? 'any';
  const fix = options.fix ?? 'download it again';
  const n = bytes.length;

  // 1. Things that are not IDX at all, recognised by their first bytes.
  if (n === 0) throw bad(file, `the file is empty (0 bytes), expected an IDX file; ${fix}`);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw bad(file, `the file is gzip-compressed (starts with 1f 8b), expected a raw IDX file; decompress it with gunzip ("gunzip -k ${file}") and pass the file without .gz`);
  }
  if (looksLikeMarkup(bytes)) {
    throw bad(file, `the file is an HTML/XML page (starts with "<"), not an IDX file: a download probably saved an error or login page under this name; ${fix} from the raw-file URL`);
  }
  if (n < 4) throw bad(file, `the file is too short for an IDX header: ${fmtCount(n)} bytes, need at least 4; ${fix}`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const found = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!].map(hex).join(' ');
    throw bad(file, `not an IDX file: it starts with ${found}, an IDX file starts with 00 00 <type> <dims>; pass an uncompressed IDX file (e.g. train-images-idx3-ubyte)`);
  }

  // 2. Element type and dimension count.
  const typeCode = bytes[2]!;
  const type = DTYPES[typeCode];
  if (!type) {
    throw bad(file, `unknown IDX element type 0x${hex(typeCode)} (known: 08 uint8, 09 int8, 0b int16, 0c int32, 0d float32, 0e float64); the file is damaged or not IDX; ${fix}`);
  }
  const ndims = bytes[3]!;
  if (role === 'images' && ndims !== 3 && ndims !== 4) {
    const hint = ndims === 1 ? ' (this looks like a labels file: were images and labels swapped?)' : '';
    throw bad(file, `an IDX image file needs 3 or 4 dimensions (N×H×W or N×H×W×C), this one has ${ndims}${hint}`);
  }
  if (role === 'labels' && ndims !== 1) {
    const hint = ndims === 3 || ndims === 4 ? ' (this looks like an images file: were images and labels swapped?)' : '';
    throw bad(file, `an IDX labels file needs 1 dimension (N), this one has ${ndims}${hint}`);
  }
  const headerBytes = 4 + 4 * ndims;
  if (n < headerBytes) {
    throw bad(file, `the file is too short for an IDX header with ${ndims} dimensions: ${fmtCount(n)} bytes, need ${fmtCount(headerBytes)}; the file is truncated; ${fix}`);
  }

  // 3. Dimensions and payload length against the file size.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let elements = 1;
  for (let d = 0; d < ndims; d++) {
    const dim = view.getUint32(4 + 4 * d, false);
    dims.push(dim);
    elements *= dim;
  }
  const expected = headerBytes + elements * type.bytes;
  const shape = dims.map(fmtCount).join('×');
  if (n < expected) {
    throw bad(file, `the IDX file ends after ${fmtCount(n)} of ${fmtCount(expected)} bytes (header says ${type.dtype} ${shape}): the file is truncated; ${fix}`);
  }
  if (n > expected) {
    throw bad(file, `the IDX file has ${fmtCount(n - expected)} extra bytes after the ${fmtCount(expected)} its header describes (${type.dtype} ${shape}): the file is damaged or was concatenated; ${fix}`);
  }

  // 4. The elements: uint8/int8 as views, wider types converted from big-endian.
  const off = bytes.byteOffset + headerBytes;
  let data: IdxData;
  switch (type.dtype) {
    case 'uint8':
      data = new Uint8Array(bytes.buffer, off, elements);
      break;
    case 'int8':
      data = new Int8Array(bytes.buffer, off, elements);
      break;
    case 'int16': {
      const a = new Int16Array(elements);
      for (let i = 0; i < elements; i++) a[i] = view.getInt16(headerBytes + 2 * i, false);
      data = a;
      break;
    }
    case 'int32': {
      const a = new Int32Array(elements);
      for (let i = 0; i < elements; i++) a[i] = view.getInt32(headerBytes + 4 * i, false);
      data = a;
      break;
    }
    case 'float32': {
      const a = new Float32Array(elements);
      for (let i = 0; i < elements; i++) a[i] = view.getFloat32(headerBytes + 4 * i, false);
      data = a;
      break;
    }
    case 'float64': {
      const a = new Float64Array(elements);
      for (let i = 0; i < elements; i++) a[i] = view.getFloat64(headerBytes + 8 * i, false);
      data = a;
      break;
    }
  }
  return { dtype: type.dtype, dims, data };
}

/** Read and parse one IDX file (one readFileSync; uint8 data is a view on the file's bytes). */
export function readIdx(path: string, options: IdxReadOptions = {}): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const code = err.code === 'ENOENT' ? ERROR_CODES.DATASET_NOT_FOUND : ERROR_CODES.BAD_DATA_FILE;
    throw new GenforgeError(code, `${path}: cannot read the IDX file (${err.code ?? err.message}); check the path and permissions`, { cause: e });
  }
  return decodeIdx(bytes, path, options);
}

/** IDX bytes for uint8 `data` with the given dimensions (outermost first; their product must be data.length). */
export function encodeIdx(data: Uint8Array, dims: readonly number[]): Uint8Array {
  if (dims.length < 1 || dims.length > 255) throw new RangeError(`encodeIdx: need 1..255 dimensions, got ${dims.length}`);
  let elements = 1;
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d > 0xffffffff) throw new RangeError(`encodeIdx: dimension ${d} is not a uint32`);
    elements *= d;
  }
  if (elements !== data.length) {
    throw new RangeError(`encodeIdx: dims ${dims.join('×')} hold ${elements} elements but data has ${data.length}`);
  }
  const headerBytes = 4 + 4 * dims.length;
  const out = new Uint8Array(headerBytes + elements);
  const view = new DataView(out.buffer);
  out[2] = UINT8_CODE;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, headerBytes);
  return out;
}

/** Write uint8 `data` as an IDX file, atomically. */
export function writeIdx(path: string, data: Uint8Array, dims: readonly number[]): void {
  writeFileAtomic(path, encodeIdx(data, dims));
}

/** Class names for integer labels: "0".."max". */
function numericClassNames(labels: Uint8Array): string[] {
  let max = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]! > max) max = labels[i]!;
  return Array.from({ length: max + 1 }, (_, i) => String(i));
}

/** Labels from an IDX labels file as uint8 class indices (any integer element type, values 0..255). */
function labelBytes(arr: IdxArray, file: string): Uint8Array {
  if (arr.dtype === 'uint8') return arr.data as Uint8Array;
  if (arr.dtype === 'float32' || arr.dtype === 'float64') {
    throw bad(file, `IDX labels must be integers (uint8 or another integer type), this file holds ${arr.dtype}; convert the labels to uint8 class indices`);
  }
  const out = new Uint8Array(arr.data.length);
  for (let i = 0; i < arr.data.length; i++) {
    const v = arr.data[i]!;
    if (v < 0 || v > 255) {
      throw bad(file, `label ${fmtCount(i)} is ${v}, class indices must be 0..255; convert the labels to uint8 class indices`);
    }
    out[i] = v;
  }
  return out;
}

export interface IdxDatasetOptions {
  /** Dataset name; default the images path. */
  readonly name?: string;
  readonly split?: Dataset['split'];
  /** What to tell the user when a file is damaged (see IdxReadOptions.fix). */
  readonly fix?: string;
  /** Class names to use instead of "0".."max". */
  readonly classNames?: readonly string[];
  /** Description of where the bytes came from; default the file path(s). */
  readonly source?: string;
}

/**
 * An IDX image file (uint8, N×H×W or N×H×W×C with C = 1 or 3) and optionally its IDX labels file, as a
 * Dataset. Pixels are a view on the file's bytes (one read, no copy).
 */
export function loadIdxDataset(imagesPath: string, labelsPath?: string, options: IdxDatasetOptions = {}): Dataset {
  const fix = options.fix;
  const img = readIdx(imagesPath, { role: 'images', ...(fix ? { fix } : {}) });
  if (img.dtype !== 'uint8') {
    throw bad(imagesPath, `IDX images must be uint8 (type 0x08, pixel bytes 0..255), this file holds ${img.dtype}; other element types are not supported as images: convert the pixels to uint8`);
  }
  const [count, height, width, channels = 1] = img.dims as [number, number, number, number?];
  if (channels !== 1 && channels !== 3) {
    throw bad(imagesPath, `IDX images need 1 (grayscale) or 3 (RGB) channels in their 4th dimension, this file has ${channels}`);
  }
  if (count === 0 || height === 0 || width === 0) {
    throw new GenforgeError(ERROR_CODES.NO_IMAGES, `${imagesPath}: the IDX file holds no pixels (dims ${img.dims.join('×')}); pass a file with at least one image`);
  }

  let labels: Uint8Array | null = null;
  let classNames: readonly string[] | null = null;
  if (labelsPath !== undefined) {
    const lab = readIdx(labelsPath, { role: 'labels', ...(fix ? { fix } : {}) });
    labels = labelBytes(lab, labelsPath);
    if (labels.length !== count) {
      throw new GenforgeError(
        ERROR_CODES.DATA_MISMATCH,
        `${labelsPath} has ${fmtCount(labels.length)} labels but ${imagesPath} has ${fmtCount(count)} images; pass the labels file that belongs to these images (e.g. train-labels-idx1-ubyte with train-images-idx3-ubyte)`,
      );
    }
    classNames = numericClassNames(labels);
    if (options.classNames) {
      if (options.classNames.length < classNames.length) {
        throw new GenforgeError(
          ERROR_CODES.DATA_MISMATCH,
          `${labelsPath} has labels up to ${classNames.length - 1} but only ${options.classNames.length} class names are known`,
        );
      }
      classNames = options.classNames;
    }
  }

  return {
    name: options.name ?? imagesPath,
    split: options.split ?? 'all',
    source: options.source ?? (labelsPath !== undefined ? `${imagesPath} + ${labelsPath}` : imagesPath),
    count,
    height,
    width,
    channels,
    pixels: img.data as Uint8Array,
    labels,
    classNames,
  };
}
