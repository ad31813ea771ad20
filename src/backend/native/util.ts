/** Helpers shared by the native kernel files: buffers of a tensor, conv geometry, delegation. */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { newF32, newU8 } from './pool.js';

export { newF32, newU8 };

export type Backend = MathBackendCPU;
/** A kernel's required and optional inputs. */
export type Ins<K extends string> = { [k in K]: TensorInfo };
export type Opt<K extends string> = { [k in K]?: TensorInfo | null };

/** The Float32Array behind a float32 tensor (the cpu backend keeps values in `data`). */
export function f32(backend: Backend, t: TensorInfo): Float32Array {
  const v = backend.data.get(t.dataId).values;
  if (v instanceof Float32Array) return v;
  return Float32Array.from(v as ArrayLike<number>);
}

export function isF32(...ts: (TensorInfo | undefined | null)[]): boolean {
  return ts.every((t) => t == null || t.dtype === 'float32');
}

export function output(backend: Backend, shape: number[], values: Float32Array): TensorInfo {
  return backend.makeTensorInfo(shape, 'float32', values);
}

/** The 17 integers native/common.h's ConvGeom reads, from a TF.js Conv2DInfo (channelsLast only). */
export function convGeom(info: tf.backend_util.Conv2DInfo): Int32Array {
  const p = info.padInfo;
  return Int32Array.from([
    info.batchSize, info.inHeight, info.inWidth, info.inChannels,
    info.filterHeight, info.filterWidth, info.outChannels,
    info.outHeight, info.outWidth,
    info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth,
    p.top, p.left, p.bottom, p.right,
  ]);
}

/** The stock cpu kernel of `name`: what every native kernel falls back to for cases it does not cover. */
export function stockKernel(name: string): KernelFunc {
  const k = tf.getKernel(name, 'cpu');
  if (!k) throw new Error(`genforge native backend: the cpu backend has no kernel ${name}`);
  return k.kernelFunc;
}

export interface NativeKernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: Backend;
  attrs: tf.NamedAttrMap;
}

/** A native kernel config: `run` returns null for the cases it leaves to the stock kernel. */
export function nativeKernel(
  kernelName: string,
  run: (args: NativeKernelArgs) => TensorInfo | null,
): KernelConfig {
  const stock = stockKernel(kernelName);
  return {
    kernelName,
    backendName: 'native',
    kernelFunc: (args) =>
      run({ inputs: args.inputs, backend: args.backend as Backend, attrs: args.attrs ?? {} }) ?? (stock(args) as TensorInfo),
  };
}
