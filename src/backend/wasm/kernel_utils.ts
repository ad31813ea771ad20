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
import type { KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
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

/**
 * Stock wasm kernels that we replace, saved by `registerWasmTrainingKernels` before it unregisters them, so a
 * replacement can delegate to the original for the cases it does not improve.
 */
const stockKernels = new Map<string, KernelFunc>();

export function saveStockKernel(name: string, kernelFunc: KernelFunc): void {
  if (!stockKernels.has(name)) stockKernels.set(name, kernelFunc);
}

/** Run the stock wasm kernel `name` that ours replaced. */
export function runStockWasmKernel(
  name: string,
  backend: BackendWasm,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const kernelFunc = stockKernels.get(name);
  if (kernelFunc === undefined) {
    throw new Error(`wasm training kernels: no stock wasm '${name}' was saved; call registerWasmTrainingKernels() after importing @tensorflow/tfjs-backend-wasm`);
  }
  const out = kernelFunc({ inputs, backend, attrs });
  if (Array.isArray(out)) throw new Error(`wasm training kernels: stock '${name}' returned ${out.length} outputs, expected 1`);
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

/**
 * x[begin : begin + size·stride : stride] per axis, through the C++ StridedSlice kernel (the stock wasm Slice
 * copies row by row in JS, ~7× slower on a 4-D crop). Returns `x` itself when that is the whole tensor
 * (the caller must not release it then). float32 only.
 */
export function crop(backend: BackendWasm, x: TensorInfo, begin: number[], size: number[], strides?: number[]): TensorInfo {
  const step = strides ?? begin.map(() => 1);
  if (begin.every((b) => b === 0) && step.every((s) => s === 1) && size.every((s, i) => s === x.shape[i])) return x;
  const end = begin.map((b, i) => b + (size[i] - 1) * step[i] + 1);
  return runWasmKernel('StridedSlice', backend, { x }, {
    begin,
    end,
    strides: step,
    beginMask: 0,
    endMask: 0,
    ellipsisMask: 0,
    newAxisMask: 0,
    shrinkAxisMask: 0,
  });
}

/** Zero padding that returns `x` itself when there is none to add. */
export function padOrSame(backend: BackendWasm, x: TensorInfo, paddings: Array<[number, number]>): TensorInfo {
  if (paddings.every(([a, b]) => a === 0 && b === 0)) return x;
  return runWasmKernel('PadV2', backend, { x }, { paddings, constantValue: 0 });
}

export function zeros(backend: BackendWasm, shape: number[]): TensorInfo {
  return runWasmKernel('Fill', backend, {}, { shape, value: 0, dtype: 'float32' });
}

