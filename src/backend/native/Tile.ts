/** Tile natively for float32 tensors of rank <= 6. */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, TileAttrs } from '@tensorflow/tfjs';
import type { NativeAddon } from './addon.js';
import { newF32, f32, isF32, nativeKernel, output, type Ins } from './util.js';

export function tileConfig(addon: NativeAddon): KernelConfig {
  type Fn = (x: Float32Array, out: Float32Array, layout: Int32Array) => void;
  const tile: Fn = (...args) => (addon.tile as Fn)(...args);
  return nativeKernel(tf.Tile, ({ inputs, backend, attrs }) => {
    const { x } = inputs as Ins<'x'>;
    const { reps } = attrs as unknown as TileAttrs;
    if (!isF32(x) || x.shape.length > 6 || reps.length !== x.shape.length) return null;
    const outShape = x.shape.map((n, i) => n * reps[i]!);
    const size = tf.util.sizeFromShape(outShape);
    if (size === 0) return null;
    const pad = (s: number[]) => [...new Array<number>(6 - s.length).fill(1), ...s];
    const out = newF32(size);
    tile(f32(backend, x), out, Int32Array.from([...pad(outShape), ...pad([...x.shape])]));
    return output(backend, outShape, out);
  });
}
