/** FusedConv2D on oneDNN: conv + per-channel bias + activation (post-ops). prelu is left to the stock kernel. */
import * as tf from '@tensorflow/tfjs';
import type { FusedConv2DAttrs, KernelConfig } from '@tensorflow/tfjs';
import { ACTIVATION_CODES, type NativeAddon } from './addon.js';
import { newF32, convGeom, f32, isF32, nativeKernel, output, type Ins, type Opt } from './util.js';

export function fusedConv2DConfig(addon: NativeAddon): KernelConfig {
  return nativeKernel(tf.FusedConv2D, ({ inputs, backend, attrs }) => {
    const { x, filter, bias } = inputs as Ins<'x' | 'filter'> & Opt<'bias'>;
    const { strides, pad, dataFormat, dilations, dimRoundingMode, activation, leakyreluAlpha } =
      attrs as unknown as FusedConv2DAttrs;
    const act = ACTIVATION_CODES[activation ?? 'linear'];
    if (act === undefined || !isF32(x, filter, bias) || dataFormat === 'NCHW') return null;
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filter.shape as [number, number, number, number],
      strides, dilations, pad, dimRoundingMode, false, 'channelsLast');
    if (tf.util.sizeFromShape(info.outShape) === 0) return null;
    let b: Float32Array | null = null;
    if (bias) {
      if (bias.shape.length > 4) return null;
      const n = tf.util.sizeFromShape(bias.shape);
      if (n === info.outChannels && bias.shape[bias.shape.length - 1] === n) b = f32(backend, bias);
      else if (n === 1) b = new Float32Array(info.outChannels).fill(f32(backend, bias)[0]);
      else return null;
    }
    const y = newF32(tf.util.sizeFromShape(info.outShape));
    addon.fusedConv2d(f32(backend, x), f32(backend, filter), b, y, convGeom(info), act, leakyreluAlpha ?? 0.2);
    return output(backend, info.outShape, y);
  });
}
