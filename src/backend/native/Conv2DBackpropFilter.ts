/** Conv2DBackpropFilter on oneDNN (backward-weights): dW [KH, KW, C, O] from x [B, H, W, C] and dy. */
import * as tf from '@tensorflow/tfjs';
import type { Conv2DBackpropFilterAttrs, KernelConfig } from '@tensorflow/tfjs';
import type { NativeAddon } from './addon.js';
import { newF32, convGeom, f32, isF32, nativeKernel, output, type Ins } from './util.js';

export function conv2DBackpropFilterConfig(addon: NativeAddon): KernelConfig {
  return nativeKernel(tf.Conv2DBackpropFilter, ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as Ins<'x' | 'dy'>;
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
    if (!isF32(x, dy) || dataFormat === 'NCHW') return null;
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false,
      'channelsLast');
    if (tf.util.sizeFromShape(info.outShape) === 0 || !tf.util.arraysEqual(info.outShape, dy.shape)) return null;
    const dw = newF32(tf.util.sizeFromShape(filterShape));
    addon.conv2dBackpropFilter(f32(backend, x), f32(backend, dy), dw, convGeom(info));
    return output(backend, [...filterShape], dw);
  });
}
