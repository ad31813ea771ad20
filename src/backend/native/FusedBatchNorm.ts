/** FusedBatchNorm (tf.batchNorm) natively: per-channel scale/shift in one pass over x. */
import * as tf from '@tensorflow/tfjs';
import type { FusedBatchNormAttrs, KernelConfig } from '@tensorflow/tfjs';
import type { NativeAddon } from './addon.js';
import { newF32, f32, isF32, nativeKernel, output, type Ins, type Opt } from './util.js';

export function fusedBatchNormConfig(addon: NativeAddon): KernelConfig {
  type Fn = (
    x: Float32Array, mean: Float32Array, variance: Float32Array, offset: Float32Array | null,
    scale: Float32Array | null, out: Float32Array, epsilon: number) => void;
  const bn: Fn = (...args) => (addon.fusedBatchNorm as Fn)(...args);
  return nativeKernel(tf.FusedBatchNorm, ({ inputs, backend, attrs }) => {
    const { x, mean, variance, offset, scale } = inputs as Ins<'x' | 'mean' | 'variance'> & Opt<'offset' | 'scale'>;
    const { varianceEpsilon } = attrs as unknown as FusedBatchNormAttrs;
    if (!isF32(x, mean, variance, offset, scale)) return null;
    const n = tf.util.sizeFromShape(x.shape);
    const sizes = [mean, variance, offset, scale].filter((t) => t != null).map((t) => tf.util.sizeFromShape(t!.shape));
    if (n === 0 || sizes.some((s) => s === 0)) return null;
    const out = newF32(n);
    bn(f32(backend, x), f32(backend, mean), f32(backend, variance), offset ? f32(backend, offset) : null,
      scale ? f32(backend, scale) : null, out, varianceEpsilon ?? 0.001);
    return output(backend, [...x.shape], out);
  });
}
