/**
 * Elementwise, comparison and reduction kernels on the add-on's loops (native/elementwise.h and one .cc per
 * kernel: Add.cc, Greater.cc, Tanh.cc, Sum.cc, ...). Broadcasting is worked out here: shapes are broadcast,
 * size-1 dims dropped and contiguous dims merged, so the native loop sees at most 6 dims with stride 0 where
 * an input broadcasts. The kernel tables below are the whole mapping kernel name -> native entry point.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import type { NativeAddon } from './addon.js';
import { newF32, newU8, f32, isF32, nativeKernel, output, type Ins } from './util.js';

const RANK = 6;

type BinaryFn = (a: Float32Array, b: Float32Array, out: Float32Array | Uint8Array, layout: Int32Array) => void;
type UnaryFn = (x: Float32Array, out: Float32Array, alpha: number) => void;
type ReduceFn = (x: Float32Array, out: Float32Array, dims: Int32Array) => void;

/** Strides of `shape` read as broadcast to `outShape` (0 where it broadcasts). */
function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const strides = new Array<number>(outShape.length).fill(0);
  let s = 1;
  for (let i = outShape.length - 1, j = shape.length - 1; i >= 0; i--, j--) {
    if (j < 0) continue;
    if (shape[j] !== 1) strides[i] = s;
    s *= shape[j]!;
  }
  return strides;
}

/** [shape x6, stridesA x6, stridesB x6] for native binary loops, or null when more than 6 dims remain. */
export function binaryLayout(aShape: readonly number[], bShape: readonly number[]): { outShape: number[]; layout: Int32Array } | null {
  const outShape = tf.backend_util.assertAndGetBroadcastShape(aShape as number[], bShape as number[]);
  const sa = broadcastStrides(aShape, outShape), sb = broadcastStrides(bShape, outShape);
  const dims: [number, number, number][] = [];
  for (let i = 0; i < outShape.length; i++) {
    if (outShape[i] === 1) continue;
    const d: [number, number, number] = [outShape[i]!, sa[i]!, sb[i]!];
    const last = dims[dims.length - 1];
    // Merge into the previous (outer) dim when both inputs walk the pair as one run.
    if (last && last[1] === d[1] * d[0] && last[2] === d[2] * d[0]) {
      last[0] *= d[0];
      last[1] = d[1];
      last[2] = d[2];
    } else {
      dims.push(d);
    }
  }
  if (dims.length > RANK) return null;
  while (dims.length < RANK) dims.unshift([1, 0, 0]);
  return { outShape, layout: Int32Array.from([...dims.map((d) => d[0]), ...dims.map((d) => d[1]), ...dims.map((d) => d[2])]) };
}

function binaryKernel(kernelName: string, fn: BinaryFn, outDtype: 'float32' | 'bool'): KernelConfig {
  return nativeKernel(kernelName, ({ inputs, backend }) => {
    const { a, b } = inputs as Ins<'a' | 'b'>;
    if (!isF32(a, b)) return null;
    const plan = binaryLayout(a.shape, b.shape);
    if (!plan) return null;
    const n = tf.util.sizeFromShape(plan.outShape);
    if (n === 0) return null;
    const out = outDtype === 'bool' ? newU8(n) : newF32(n);
    fn(f32(backend, a), f32(backend, b), out, plan.layout);
    return backend.makeTensorInfo(plan.outShape, outDtype, out);
  });
}

function unaryKernel(kernelName: string, fn: UnaryFn, alphaOf: (attrs: tf.NamedAttrMap) => number): KernelConfig {
  return nativeKernel(kernelName, ({ inputs, backend, attrs }) => {
    const { x } = inputs as Ins<'x'>;
    if (!isF32(x)) return null;
    const out = newF32(tf.util.sizeFromShape(x.shape));
    if (out.length === 0) return null;
    fn(f32(backend, x), out, alphaOf(attrs));
    return output(backend, [...x.shape], out);
  });
}

/** [O, R, I] when the reduced axes (ignoring size-1 dims) form one contiguous block; else null. */
export function reduceDims(shape: readonly number[], axes: readonly number[]): [number, number, number] | null {
  const reduced = new Set(axes);
  let O = 1, R = 1, I = 1, phase = 0; // 0: before the block, 1: in it, 2: after it
  for (let i = 0; i < shape.length; i++) {
    const n = shape[i]!;
    if (n === 1) continue;
    const r = reduced.has(i);
    if (r && phase === 2) return null;
    if (r) phase = 1;
    else if (phase === 1) phase = 2;
    if (phase === 0) O *= n;
    else if (phase === 1) R *= n;
    else I *= n;
  }
  return [O, R, I];
}

function reduceKernel(kernelName: string, fn: ReduceFn, axisAttr: 'axis' | 'reductionIndices'): KernelConfig {
  return nativeKernel(kernelName, ({ inputs, backend, attrs }) => {
    const { x } = inputs as Ins<'x'>;
    if (!isF32(x) || tf.util.sizeFromShape(x.shape) === 0) return null;
    const axes = tf.util.parseAxisParam(attrs[axisAttr] as number | number[], x.shape);
    if (axes.length === 0) return null;
    const dims = reduceDims(x.shape, axes);
    if (!dims) return null;
    const keepDims = attrs.keepDims as boolean;
    const outShape = x.shape.map((n, i) => (axes.includes(i) ? 1 : n)).filter((_, i) => keepDims || !axes.includes(i));
    const out = newF32(dims[0] * dims[2]);
    fn(f32(backend, x), out, Int32Array.from(dims));
    return output(backend, outShape, out);
  });
}

const BINARY: Record<string, string> = {
  [tf.Add]: 'add', [tf.Sub]: 'sub', [tf.Multiply]: 'multiply', [tf.RealDiv]: 'realDiv',
  [tf.SquaredDifference]: 'squaredDifference', [tf.Maximum]: 'maximum', [tf.Minimum]: 'minimum',
};
const COMPARE: Record<string, string> = {
  [tf.Greater]: 'greater', [tf.GreaterEqual]: 'greaterEqual', [tf.Less]: 'less', [tf.LessEqual]: 'lessEqual',
  [tf.Equal]: 'equal', [tf.NotEqual]: 'notEqual',
};
const UNARY: Record<string, string> = {
  [tf.Tanh]: 'tanh', [tf.Sigmoid]: 'sigmoid', [tf.Softplus]: 'softplus', [tf.Exp]: 'exp', [tf.Expm1]: 'expm1',
  [tf.Log]: 'log', [tf.Log1p]: 'log1p', [tf.Sqrt]: 'sqrt', [tf.Rsqrt]: 'rsqrt', [tf.Square]: 'square',
  [tf.Neg]: 'neg', [tf.Abs]: 'abs', [tf.Reciprocal]: 'reciprocal', [tf.Relu]: 'relu', [tf.Relu6]: 'relu6',
  [tf.Elu]: 'elu', [tf.LeakyRelu]: 'leakyRelu', [tf.Step]: 'step',
};
const REDUCE: Record<string, [string, 'axis' | 'reductionIndices']> = {
  [tf.Sum]: ['sum', 'axis'], [tf.Mean]: ['mean', 'axis'], [tf.Prod]: ['prod', 'axis'],
  [tf.Max]: ['max', 'reductionIndices'], [tf.Min]: ['min', 'axis'],
};

export function elementwiseConfigs(addon: NativeAddon): KernelConfig[] {
  // Looked up per call (not captured), so that the add-on object stays the one place to find an entry point.
  const fn = <T extends (...args: never[]) => void>(entry: string): T => {
    if (typeof addon[entry] !== 'function') {
      throw new Error(`genforge native add-on lacks ${entry}: rebuild it (npm run build:native)`);
    }
    return ((...args: Parameters<T>) => (addon[entry] as T)(...args)) as T;
  };
  return [
    ...Object.entries(BINARY).map(([k, e]) => binaryKernel(k, fn<BinaryFn>(e), 'float32')),
    ...Object.entries(COMPARE).map(([k, e]) => binaryKernel(k, fn<BinaryFn>(e), 'bool')),
    ...Object.entries(UNARY).map(([k, e]) =>
      unaryKernel(k, fn<UnaryFn>(e), (attrs) => (typeof attrs.alpha === 'number' ? attrs.alpha : 0))),
    ...Object.entries(REDUCE).map(([k, [e, axisAttr]]) => reduceKernel(k, fn<ReduceFn>(e), axisAttr)),
  ];
}

