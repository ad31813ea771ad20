/**
 * Helpers shared by the wasm training kernels: call a stock wasm kernel by name, make a reshaped view of a
 * tensor info, and release intermediates. Every kernel here is composed of stock wasm kernels (XNNPACK
 * Conv2D, Transpose, PadV2, Reverse, Slice, ...); shapes and padding are worked out in TypeScript.
 *
 * Reference counting: a stock kernel's output is a fresh tensor info with refCount 1 that the composing
 * kernel must either return or release with `release()`. A `view()` shares the data of its source and
 * takes no reference of its own, so it is neither released nor returned once its source is released.
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type WasmKernelArgs<I, A> = { inputs: I; backend: BackendWasm; attrs: A };

/** Run the kernel registered as `name` for the wasm backend. Throws when the wasm backend lacks it. */
export function runWasmKernel(
  name: string,
  backend: BackendWasm,
  inputs: NamedTensorInfoMap | TensorInfo[],
  attrs: NamedAttrMap = {},
): TensorInfo {
  const kernel = tf.getKernel(name, 'wasm');
  if (kernel === undefined) {
    throw new Error(`wasm training kernels: the wasm backend has no '${name}' kernel, which this kernel needs`);
  }
  const out = kernel.kernelFunc({ inputs: inputs as NamedTensorInfoMap, backend, attrs });
  if (Array.isArray(out)) throw new Error(`wasm training kernels: '${name}' returned ${out.length} outputs, expected 1`);
  return out;
}

/** Same data, another shape (row-major reinterpretation, no copy, no reference taken). */
export function view(x: TensorInfo, shape: number[]): TensorInfo {
  const size = shape.reduce((a, b) => a * b, 1);
  const have = x.shape.reduce((a, b) => a * b, 1);
  if (size !== have) throw new Error(`wasm training kernels: cannot view [${x.shape}] as [${shape}]`);
  return { dataId: x.dataId, shape, dtype: x.dtype };
}

/** Release intermediates made by stock kernels (skips the ones that are the caller's inputs). */
export function release(backend: BackendWasm, keep: readonly TensorInfo[], ...infos: TensorInfo[]): void {
  for (const info of infos) {
    if (keep.some((k) => k.dataId === info.dataId)) continue;
    backend.disposeData(info.dataId);
  }
}

export function transpose(backend: BackendWasm, x: TensorInfo, perm: number[]): TensorInfo {
  return runWasmKernel('Transpose', backend, { x }, { perm });
}

/** Slice that returns `x` itself when the slice is the whole tensor (caller must not release it then). */
export function sliceOrSame(backend: BackendWasm, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  if (begin.every((b) => b === 0) && size.every((s, i) => s === x.shape[i])) return x;
  return runWasmKernel('Slice', backend, { x }, { begin, size });
}

/** Zero padding that returns `x` itself when there is none to add. */
export function padOrSame(backend: BackendWasm, x: TensorInfo, paddings: Array<[number, number]>): TensorInfo {
  if (paddings.every(([a, b]) => a === 0 && b === 0)) return x;
  return runWasmKernel('PadV2', backend, { x }, { paddings, constantValue: 0 });
}

export function zeros(backend: BackendWasm, shape: number[]): TensorInfo {
  return runWasmKernel('Fill', backend, {}, { shape, value: 0, dtype: 'float32' });
}
