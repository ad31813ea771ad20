/** Conv2D on oneDNN: NHWC x [B, H, W, C] * HWIO filter [KH, KW, C, O] -> [B, OH, OW, O]. */
import * as tf from '@tensorflow/tfjs';
import type { Conv2DAttrs, KernelConfig } from '@tensorflow/tfjs';
import type { NativeAddon } from './addon.js';
import { newF32, convGeom, f32, isF32, nativeKernel, output, type Ins } from './util.js';

export function conv2DConfig(addon: NativeAddon): KernelConfig {
  return nativeKernel(tf.Conv2D, ({ inputs, backend, attrs }) => {
    const { x, filter } = inputs as Ins<'x' | 'filter'>;
    const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs as unknown as Conv2DAttrs;
    if (!isF32(x, filter) || dataFormat === 'NCHW') return null;
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filter.shape as [number, number, number, number],
      strides, dilations, pad, dimRoundingMode, false, 'channelsLast');
    if (tf.util.sizeFromShape(info.outShape) === 0) return null;
    const y = newF32(tf.util.sizeFromShape(info.outShape));
    addon.conv2d(f32(backend, x), f32(backend, filter), y, convGeom(info));
    return output(backend, info.outShape, y);
  });
}
