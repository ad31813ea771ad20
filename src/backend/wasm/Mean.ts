/**
 * Mean for the TF.js wasm backend: like Sum (see Sum.ts), a reduction over a leading or trailing block of
 * axes is one XNNPACK matmul, here with a vector of 1/n — the BatchNorm moments over [0, 1, 2] of an NHWC
 * activation. Other axes and dtypes go to the stock kernel.
 */
import type { KernelConfig, KernelFunc, MeanAttrs, MeanInputs, TensorInfo } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import { reduceByMatMul, runStockWasmKernel, type WasmKernelArgs } from './kernel_utils.js';

export function mean(args: WasmKernelArgs<MeanInputs, MeanAttrs>): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  const axes = tf.util.parseAxisParam(attrs.axis, x.shape);
  return reduceByMatMul(backend, x, axes, attrs.keepDims, (n) => 1 / n) ?? runStockWasmKernel('Mean', backend, { x }, { ...attrs });
}

export const meanConfig: KernelConfig = {
  kernelName: 'Mean',
  backendName: 'wasm',
  kernelFunc: mean as unknown as KernelFunc,
};
