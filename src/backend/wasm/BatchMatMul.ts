/**
 * BatchMatMul for the TF.js wasm backend. The stock kernel is fast (XNNPACK) only when neither operand is
 * transposed; with transposeA or transposeB it falls to a loop about 10× slower, and those are exactly the
 * matmuls a Dense layer's backward pass dispatches (dA = dy·Bᵀ, dB = Aᵀ·dy). Here a transposed operand is
 * materialised with the wasm Transpose kernel (a copy of O(m·k), against O(m·k·n) multiply-adds) and the
 * stock kernel runs untransposed.
 */
import type { BatchMatMulAttrs, BatchMatMulInputs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { runStockWasmKernel, transpose, type WasmKernelArgs } from './kernel_utils.js';

/** Swap the last two axes. */
export function swapInner(rank: number): number[] {
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

export function batchMatMul(args: WasmKernelArgs<BatchMatMulInputs, BatchMatMulAttrs>): TensorInfo {
  const { inputs, backend, attrs } = args;
  const a = inputs.a as TensorInfo;
  const b = inputs.b as TensorInfo;
  const { transposeA, transposeB } = attrs;
  if ((!transposeA && !transposeB) || a.dtype !== 'float32' || b.dtype !== 'float32') {
    return runStockWasmKernel('BatchMatMul', backend, { a, b }, { transposeA, transposeB });
  }
  const temps: TensorInfo[] = [];
  try {
    const aN = transposeA ? transpose(backend, a, swapInner(a.shape.length)) : a;
    if (aN !== a) temps.push(aN);
    const bN = transposeB ? transpose(backend, b, swapInner(b.shape.length)) : b;
    if (bN !== b) temps.push(bN);
    return runStockWasmKernel('BatchMatMul', backend, { a: aN, b: bN }, { transposeA: false, transposeB: false });
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

export const batchMatMulConfig: KernelConfig = {
  kernelName: 'BatchMatMul',
  backendName: 'wasm',
  kernelFunc: batchMatMul as unknown as KernelFunc,
};
