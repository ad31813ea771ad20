/** Shapes of a (batched) matmul as native/matmul.h reads them, or null when the batch dims do not broadcast simply. */
import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';

export interface MatMulPlan {
  dims: Int32Array; // [batchA, batchB, M, N, K, transposeA, transposeB]
  outShape: number[];
  size: number;
  N: number;
}

export function planMatMul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): MatMulPlan | null {
  const ra = a.shape.length, rb = b.shape.length;
  if (ra < 2 || rb < 2) return null;
  const K = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const Kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const M = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const N = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (K !== Kb) return null; // the stock kernel raises TF.js's own error
  const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
  let outer: number[];
  try {
    outer = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  } catch {
    return null;
  }
  const batch = tf.util.sizeFromShape(outer);
  if (!(batchA === batchB || batchA === 1 || batchB === 1) || batch !== Math.max(batchA, batchB)) return null;
  if (batch * M * N === 0) return null;
  return {
    dims: Int32Array.from([batchA, batchB, M, N, K, transposeA ? 1 : 0, transposeB ? 1 : 0]),
    outShape: [...outer, M, N],
    size: batch * M * N,
    N,
  };
}
