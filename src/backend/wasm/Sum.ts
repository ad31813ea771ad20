/**
 * Sum for the TF.js wasm backend. The stock kernel transposes the reduced axes innermost and then sums in a
 * scalar loop: ~11 ms for the per-channel sum of a [64, 7, 7, 128] gradient (a conv bias or BatchNorm
 * gradient). A reduction over a leading or trailing block of axes is a matmul with a vector of ones, which
 * XNNPACK does in a fraction of that. Other axes and dtypes go to the stock kernel.
 */
import type { KernelConfig, KernelFunc, SumAttrs, SumInputs, TensorInfo } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import { reduceByMatMul, runStockWasmKernel, type WasmKernelArgs } from './kernel_utils.js';

export function sum(args: WasmKernelArgs<SumInputs, SumAttrs>): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  const axes = tf.util.parseAxisParam(attrs.axis, x.shape);
  return reduceByMatMul(backend, x, axes, attrs.keepDims, () => 1) ?? runStockWasmKernel('Sum', backend, { x }, { ...attrs });
}

export const sumConfig: KernelConfig = {
  kernelName: 'Sum',
  backendName: 'wasm',
  kernelFunc: sum as unknown as KernelFunc,
};
