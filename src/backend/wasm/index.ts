/**
 * Training kernels the stock TF.js wasm backend lacks or runs pathologically slowly, registered under the
 * 'wasm' backend. Each is composed of stock wasm kernels (XNNPACK Conv2D and matmul, Transpose, ...), plus a
 * typed-array loop over the wasm heap where the stock data-movement kernels are the slow part; see the file
 * named after each kernel. A stock kernel of the same name is saved (ours may delegate to it) and replaced.
 * Parity with stock `cpu`: test/backend/wasm-kernels.test.ts; figures: bench/wasm-kernels.ts.
 */
import * as tf from '@tensorflow/tfjs';
// The stock kernels must be registered before ours replace them.
import '@tensorflow/tfjs-backend-wasm';
import type { KernelConfig } from '@tensorflow/tfjs';
import { batchMatMulConfig } from './BatchMatMul.js';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter.js';
import { conv2DBackpropInputConfig } from './Conv2DBackpropInput.js';
import { leakyReluConfig } from './LeakyRelu.js';
import { tileConfig } from './Tile.js';
import { saveStockKernel } from './kernel_utils.js';

export const WASM_TRAINING_KERNELS: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig, // missing in stock wasm
  conv2DBackpropInputConfig, // stock is a naive loop
  batchMatMulConfig, // stock is ~10× slower with transposeA/transposeB
  tileConfig, // stock computes each output index alone: ~40 ms for a BatchNorm-gradient tile
  leakyReluConfig, // XNNPACK PReLU is ~2× the stock loop
];

/** Register the kernels. Idempotent: a kernel already registered as ours is left alone. */
export function registerWasmTrainingKernels(): void {
  for (const config of WASM_TRAINING_KERNELS) {
    const current = tf.getKernel(config.kernelName, 'wasm');
    if (current?.kernelFunc === config.kernelFunc) continue;
    if (current !== undefined) {
      saveStockKernel(config.kernelName, current.kernelFunc);
      tf.unregisterKernel(config.kernelName, 'wasm');
    }
    tf.registerKernel(config);
  }
}
