/**
 * BatchMatMul for the TF.js wasm backend. The stock kernel is fast (XNNPACK) only when neither operand is
 * transposed; with transposeA or transposeB it falls to a loop about 10× slower, and those are exactly the
 * matmuls a Dense layer's backward pass dispatches (dA = dy·Bᵀ, dB = Aᵀ·dy). Here a transposed operand is
 * materialised with the wasm Transpose kernel (a copy of O(m·k), against O(m·k·n) multiply-adds) and the
 * stock kernel runs untransposed, in whichever of two equivalent forms moves fewer elements:
 *   1. C = op(A)·op(B), transposing the marked operands;
 *   2. C = (op(B)ᵀ·op(A)ᵀ)ᵀ, transposing the unmarked operands and the product.
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
  const size = (shape: number[]) => shape.reduce((x, y) => x * y, 1);
  const m = transposeA ? a.shape[a.shape.length - 1] : a.shape[a.shape.length - 2];
  const n = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
  const batch = Math.max(size(a.shape.slice(0, -2)), size(b.shape.slice(0, -2)));
  const cost1 = (transposeA ? size(a.shape) : 0) + (transposeB ? size(b.shape) : 0);
  const cost2 = (transposeA ? 0 : size(a.shape)) + (transposeB ? 0 : size(b.shape)) + batch * m * n;
  const temps: TensorInfo[] = [];
  const T = (x: TensorInfo): TensorInfo => {
    const t = transpose(backend, x, swapInner(x.shape.length));
    temps.push(t);
    return t;
  };
  const mul = (x: TensorInfo, y: TensorInfo) =>
    runStockWasmKernel('BatchMatMul', backend, { a: x, b: y }, { transposeA: false, transposeB: false });
  try {
    if (cost1 <= cost2) return mul(transposeA ? T(a) : a, transposeB ? T(b) : b);
    const ct = mul(transposeB ? b : T(b), transposeA ? a : T(a));
    temps.push(ct);
    return transpose(backend, ct, swapInner(ct.shape.length));
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

export const batchMatMulConfig: KernelConfig = {
  kernelName: 'BatchMatMul',
  backendName: 'wasm',
  kernelFunc: batchMatMul as unknown as KernelFunc,
};
