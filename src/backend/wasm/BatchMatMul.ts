/**
 * BatchMatMul for the wasm backend, fast with transposed operands.
 *
 * The stock wasm kernel is 10–50× slower when `transposeA` or `transposeB` is set (as in every gradient of
 * a dense layer: dW = xᵀ·dy, dx = dy·Wᵀ) than on plain operands. This kernel turns a transposed product
 * into a plain one with explicit transposes, choosing the cheaper of two equivalent forms:
 *
 *   1. C  = op(A) · op(B), transposing whichever operand is marked;
 *   2. Cᵀ = op(B)ᵀ · op(A)ᵀ, transposing the unmarked operands and the result,
 *
 * by the number of elements each form moves. The multiply itself is the stock kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

type Backend = { disposeData(id: object): void };

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Perm that swaps the last two axes of a tensor of this rank. */
function swapLast(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 1] = rank - 2;
  perm[rank - 2] = rank - 1;
  return perm;
}

export function makeWasmBatchMatMul(stock: KernelFunc, transpose: KernelFunc): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { inputs, attrs, backend } = args;
    const a = inputs.a as TensorInfo;
    const b = inputs.b as TensorInfo;
    const tA = Boolean(attrs?.transposeA);
    const tB = Boolean(attrs?.transposeB);
    if (!tA && !tB) return stock(args);
    const be = backend as unknown as Backend;
    const T = (x: TensorInfo): TensorInfo =>
      transpose({ inputs: { x }, backend, attrs: { perm: swapLast(x.shape.length) } }) as TensorInfo;
    const mul = (x: TensorInfo, y: TensorInfo): TensorInfo =>
      stock({ inputs: { a: x, b: y }, backend, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;

    const ra = a.shape.length;
    const rb = b.shape.length;
    const m = tA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
    const n = tB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
    const batch = Math.max(size(a.shape.slice(0, -2)), size(b.shape.slice(0, -2)));
    const cost1 = (tA ? size(a.shape) : 0) + (tB ? size(b.shape) : 0);
    const cost2 = (tA ? 0 : size(a.shape)) + (tB ? 0 : size(b.shape)) + batch * m * n;

    const temps: TensorInfo[] = [];
    const keep = (x: TensorInfo): TensorInfo => (temps.push(x), x);
    let out: TensorInfo;
    if (cost1 <= cost2) {
      out = mul(tA ? keep(T(a)) : a, tB ? keep(T(b)) : b);
    } else {
      const ct = keep(mul(tB ? b : keep(T(b)), tA ? a : keep(T(a))));
      out = T(ct);
    }
    for (const t of temps) be.disposeData(t.dataId);
    return out;
  };
  return { kernelName: tf.BatchMatMul, backendName: 'wasm', kernelFunc };
}
