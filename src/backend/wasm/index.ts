/**
 * Training kernels the stock TF.js wasm backend lacks or runs slowly, registered under the 'wasm' backend.
 * Each is composed of stock wasm kernels (XNNPACK Conv2D, Transpose, ...); see the file named after it.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter.js';
import { conv2DBackpropInputConfig } from './Conv2DBackpropInput.js';

/** Ours, by kernel name. A stock kernel of the same name is replaced. */
export const WASM_TRAINING_KERNELS: readonly KernelConfig[] = [conv2DBackpropFilterConfig, conv2DBackpropInputConfig];

/** Register (or re-register) the kernels; calling it again is a no-op. */
export function registerWasmTrainingKernels(): void {
  for (const config of WASM_TRAINING_KERNELS) {
    const current = tf.getKernel(config.kernelName, 'wasm');
    if (current?.kernelFunc === config.kernelFunc) continue;
    if (current !== undefined) tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
}
