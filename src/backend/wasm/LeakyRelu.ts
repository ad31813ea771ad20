/**
 * LeakyRelu for the TF.js wasm backend: the stock kernel is a scalar C++ loop; XNNPACK's PReLU with one shared
 * slope computes the same max(x, 0) + alpha·min(x, 0) about twice as fast. Non-float32 input goes to stock.
 */
import type { KernelConfig, KernelFunc, LeakyReluAttrs, LeakyReluInputs, TensorInfo } from '@tensorflow/tfjs';
import { runStockWasmKernel, runWasmKernel, type WasmKernelArgs } from './kernel_utils.js';

export function leakyRelu(args: WasmKernelArgs<LeakyReluInputs, LeakyReluAttrs>): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  if (x.dtype !== 'float32' || x.shape.some((s) => s === 0)) {
    return runStockWasmKernel('LeakyRelu', backend, { x }, { alpha: attrs.alpha });
  }
  const alpha = runWasmKernel('Fill', backend, {}, { shape: [1], value: attrs.alpha, dtype: 'float32' });
  try {
    return runWasmKernel('Prelu', backend, { x, alpha });
  } finally {
    backend.disposeData(alpha.dataId);
  }
}

export const leakyReluConfig: KernelConfig = {
  kernelName: 'LeakyRelu',
  backendName: 'wasm',
  kernelFunc: leakyRelu as unknown as KernelFunc,
};
