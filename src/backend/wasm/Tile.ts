/**
 * Tile for the TF.js wasm backend. The stock C++ kernel computes every output index on its own and takes
 * ~40 ms to tile [1, 1, 1, 64] to [64, 14, 14, 64] — the tile a BatchNorm gradient dispatches each step.
 * Tiling is a broadcast: x viewed as [1, s0, 1, s1, …] broadcast to [r0, s0, r1, s1, …] and read back as
 * [r0·s0, r1·s1, …]. After dropping size-1 axes and merging neighbouring axes of the same kind (copied vs
 * repeated) that is usually a rank-2 or rank-3 broadcasting Multiply by ones, which the backend does fast.
 * Non-float32 tensors and broadcasts of rank > 6 go to the stock kernel.
 */
import type { KernelConfig, KernelFunc, TensorInfo, TileAttrs, TileInputs } from '@tensorflow/tfjs';
import { runStockWasmKernel, runWasmKernel, view, type WasmKernelArgs } from './kernel_utils.js';

/** Broadcast plan: x as `from`, output as `to` (same rank, from[i] ∈ {1, to[i]}). */
export function tilePlan(shape: readonly number[], reps: readonly number[]): { from: number[]; to: number[] } {
  const from: number[] = [];
  const to: number[] = [];
  const push = (f: number, t: number) => {
    if (t === 1) return;
    const last = to.length - 1;
    const repeated = f === 1 && t > 1;
    if (last >= 0 && (from[last] === 1) === repeated && (repeated || from[last] === to[last])) {
      from[last] *= f;
      to[last] *= t;
    } else {
      from.push(f);
      to.push(t);
    }
  };
  shape.forEach((s, i) => {
    push(1, reps[i]); // the repeat axis, outside the copied axis
    push(s, s);
  });
  return { from, to };
}

export function tile(args: WasmKernelArgs<TileInputs, TileAttrs>): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  const reps = attrs.reps;
  const outShape = x.shape.map((s, i) => s * reps[i]);
  const { from, to } = tilePlan(x.shape, reps);
  if (x.dtype !== 'float32' || to.length > 6 || outShape.some((s) => s === 0)) {
    return runStockWasmKernel('Tile', backend, { x }, { reps });
  }
  const ones = runWasmKernel('Fill', backend, {}, { shape: to.length === 0 ? [1] : to, value: 1, dtype: 'float32' });
  try {
    const out = runWasmKernel('Multiply', backend, { a: view(x, from.length === 0 ? [1] : from), b: ones });
    return view(out, outShape);
  } finally {
    backend.disposeData(ones.dataId);
  }
}

export const tileConfig: KernelConfig = {
  kernelName: 'Tile',
  backendName: 'wasm',
  kernelFunc: tile as unknown as KernelFunc,
};
