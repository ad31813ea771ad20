/**
 * Conv2DBackpropInput on oneDNN (backward-data): dx [B, H, W, C] from dy [B, OH, OW, O] and the HWIO filter.
 * TF.js's conv2dTranspose runs this kernel too, so it carries the generator's transposed convolutions.
 */
import * as tf from '@tensorflow/tfjs';
import type { Conv2DBackpropInputAttrs, KernelConfig } from '@tensorflow/tfjs';
import type { NativeAddon } from './addon.js';
import { newF32, convGeom, f32, isF32, nativeKernel, output, type Ins } from './util.js';

export function conv2DBackpropInputConfig(addon: NativeAddon): KernelConfig {
  return nativeKernel(tf.Conv2DBackpropInput, ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as Ins<'dy' | 'filter'>;
    const { inputShape, strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as Conv2DBackpropInputAttrs;
    if (!isF32(dy, filter) || dataFormat === 'NCHW') return null;
    const info = tf.backend_util.computeConv2DInfo(
      inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false,
      'channelsLast');
    if (tf.util.sizeFromShape(info.inShape) === 0 || tf.util.sizeFromShape(info.outShape) === 0) return null;
    if (!tf.util.arraysEqual(info.outShape, dy.shape)) return null;
    const dx = newF32(tf.util.sizeFromShape(info.inShape));
    addon.conv2dBackpropInput(f32(backend, dy), f32(backend, filter), dx, convGeom(info));
    return output(backend, info.inShape, dx);
  });
}
