/**
 * Image fixtures for the folder tests. PNGs are encoded by hand (exact bit depth, colour type and palette,
 * independent of any encoder's choices); JPEGs are made with sharp.
 */
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** PNG colour types: 0 gray, 2 RGB, 3 palette, 4 gray + alpha, 6 RGBA. */
export type PngColourType = 0 | 2 | 3 | 4 | 6;

const SAMPLES: Record<PngColourType, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * A PNG from samples in row-major order (`samples[y][x * n + c]` flattened), 8 or 16 bits per sample.
 * For colour type 3, samples are palette indices and `palette` holds [r, g, b] entries.
 */
export function encodePng(
  width: number,
  height: number,
  colourType: PngColourType,
  bitDepth: 8 | 16,
  samples: ArrayLike<number>,
  palette?: readonly (readonly [number, number, number])[],
): Buffer {
  const n = SAMPLES[colourType];
  const bytesPer = bitDepth / 8;
  const rowBytes = 1 + width * n * bytesPer;
  const raw = Buffer.alloc(rowBytes * height);
  for (let y = 0; y < height; y++) {
    raw[y * rowBytes] = 0; // filter: none
    for (let i = 0; i < width * n; i++) {
      const v = samples[y * width * n + i]!;
      const at = y * rowBytes + 1 + i * bytesPer;
      if (bitDepth === 16) raw.writeUInt16BE(v, at);
      else raw[at] = v;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = bitDepth;
  ihdr[9] = colourType;
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  if (palette) parts.push(chunk('PLTE', Uint8Array.from(palette.flat())));
  parts.push(chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0)));
  return Buffer.concat(parts);
}

/** Samples of a width × height image with `n` samples per pixel, from a function of (x, y). */
export function pixelsOf(width: number, height: number, f: (x: number, y: number) => readonly number[]): number[] {
  const out: number[] = [];
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out.push(...f(x, y));
  return out;
}
