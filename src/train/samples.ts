/**
 * Turning a generator into pictures: latent codes from a seed, images as bytes, and a sample grid as PNG.
 * The generator runs in inference mode here (BatchNorm uses its moving statistics).
 */
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { Rng } from '../util/rng.js';

/** n latent codes [n, latentDim] drawn from N(0, 1) with a seeded generator. */
export function latentCodes(n: number, latentDim: number, seed: number): Float32Array {
  return new Rng(seed).normal(new Float32Array(n * latentDim));
}

/** Run the generator on codes in chunks; returns uint8 pixels [n, H, W, C] (tanh output mapped to 0..255). */
export function generateImages(generator: tf.LayersModel, codes: Float32Array, latentDim: number, chunk = 256): Uint8Array {
  const n = codes.length / latentDim;
  const [, h, w, c] = generator.outputs[0]!.shape as number[];
  const size = h! * w! * c!;
  const out = new Uint8Array(n * size);
  for (let start = 0; start < n; start += chunk) {
    const m = Math.min(chunk, n - start);
    const px = tf.tidy(() => {
      const z = tf.tensor2d(codes.subarray(start * latentDim, (start + m) * latentDim), [m, latentDim]);
      const x = generator.apply(z, { training: false }) as tf.Tensor4D; // [m, H, W, C] in [-1, 1]
      return tf.clipByValue(tf.round(tf.mul(tf.add(x, 1), 127.5)), 0, 255);
    });
    const vals = px.dataSync();
    px.dispose();
    for (let k = 0; k < vals.length; k++) out[start * size + k] = vals[k]!;
  }
  return out;
}

export interface GridOptions {
  readonly cols?: number;
  /** Pixels between cells. */
  readonly pad?: number;
  /** Nearest-neighbour upscaling so that small images are visible. */
  readonly scale?: number;
}

/** A grid of images as PNG bytes. `pixels` is uint8 [n, H, W, C] with C = 1 or 3. */
export async function gridPng(pixels: Uint8Array, n: number, h: number, w: number, c: number, opts: GridOptions = {}): Promise<Buffer> {
  const cols = opts.cols ?? Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / cols);
  const pad = opts.pad ?? 2;
  const scale = opts.scale ?? (h <= 32 ? 3 : 1);
  const gw = cols * w + (cols + 1) * pad;
  const gh = rows * h + (rows + 1) * pad;
  const grid = new Uint8Array(gw * gh * c).fill(40);
  for (let i = 0; i < n; i++) {
    const ox = pad + (i % cols) * (w + pad);
    const oy = pad + Math.floor(i / cols) * (h + pad);
    for (let y = 0; y < h; y++) {
      const src = ((i * h + y) * w) * c;
      grid.set(pixels.subarray(src, src + w * c), ((oy + y) * gw + ox) * c);
    }
  }
  return sharp(Buffer.from(grid.buffer, grid.byteOffset, grid.byteLength), { raw: { width: gw, height: gh, channels: c as 1 | 3 } })
    .resize(gw * scale, gh * scale, { kernel: 'nearest' })
    .toColourspace(c === 1 ? 'b-w' : 'srgb')
    .png()
    .toBuffer();
}

/** One image as PNG bytes. */
export async function imagePng(pixels: Uint8Array, index: number, h: number, w: number, c: number): Promise<Buffer> {
  const size = h * w * c;
  const px = pixels.subarray(index * size, (index + 1) * size);
  return sharp(Buffer.from(px.buffer, px.byteOffset, px.byteLength), { raw: { width: w, height: h, channels: c as 1 | 3 } })
    .toColourspace(c === 1 ? 'b-w' : 'srgb')
    .png()
    .toBuffer();
}
