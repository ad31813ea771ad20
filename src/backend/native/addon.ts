/**
 * Loads the N-API add-on build/Release/genforge_native.node (built by `npm run build:native`) and types its
 * entry points. The add-on sees flat Float32Array buffers and integers only; every shape, stride and padding
 * is worked out in TypeScript by the kernel files beside this one.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Activation codes shared with native/common.h (enum Act). */
export const ACTIVATION_CODES: Readonly<Record<string, number>> = Object.freeze({
  linear: 0,
  relu: 1,
  relu6: 2,
  leakyrelu: 3,
  sigmoid: 4,
  elu: 5,
});

type F32 = Float32Array;
type Ints = Int32Array;

export interface NativeAddon {
  readonly threads: number;
  readonly onednnVersion: string;
  conv2d(x: F32, filter: F32, y: F32, geom: Ints): void;
  fusedConv2d(x: F32, filter: F32, bias: F32 | null, y: F32, geom: Ints, activation: number, alpha: number): void;
  conv2dBackpropInput(dy: F32, filter: F32, dx: F32, geom: Ints): void;
  conv2dBackpropFilter(x: F32, dy: F32, dw: F32, geom: Ints): void;
  batchMatMul(a: F32, b: F32, c: F32, dims: Ints): void;
  fusedMatMul(a: F32, b: F32, bias: F32 | null, c: F32, dims: Ints, activation: number, alpha: number): void;
  [entry: string]: unknown;
}

/** Repository root, from src/backend/native (tsx) or dist/backend/native (built). */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** GENFORGE_NATIVE_ADDON overrides the path (e.g. a sanitizer build for debugging). */
export const ADDON_PATH = process.env.GENFORGE_NATIVE_ADDON ?? path.join(ROOT, 'build', 'Release', 'genforge_native.node');

let cached: NativeAddon | null | undefined;

/** The add-on, or null when it is not built. A built add-on that fails to load throws (say why). */
export function loadAddon(): NativeAddon | null {
  if (cached !== undefined) return cached;
  if (!existsSync(ADDON_PATH)) {
    cached = null;
    return null;
  }
  // OpenMP threads that spin while waiting take the core from the thread still working whenever anything
  // else runs on this 2-core machine (measured: a DCGAN step 10x slower); passive waiting costs little when
  // idle. libgomp reads these when the add-on loads it, so they are set first; a user's own values win.
  process.env.OMP_WAIT_POLICY ??= 'passive';
  // OpenBLAS (matmuls, im2col convolutions) on one thread: at this model's sizes it is as fast as two, and
  // its own spinning threads would compete with OpenMP's.
  process.env.OPENBLAS_NUM_THREADS ??= '1';
  const require = createRequire(import.meta.url);
  cached = require(ADDON_PATH) as NativeAddon;
  return cached;
}
