/** Select (tf.where) natively when condition, t and e have one shape; other shapes stay stock. */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import type { NativeAddon } from './addon.js';
import { newF32, f32, isF32, nativeKernel, output, type Ins } from './util.js';

export function selectConfig(addon: NativeAddon): KernelConfig {
  type Fn = (c: Uint8Array, t: Float32Array, e: Float32Array, out: Float32Array) => void;
  const select: Fn = (...args) => (addon.select as Fn)(...args);
  return nativeKernel(tf.Select, ({ inputs, backend }) => {
    const { condition, t, e } = inputs as Ins<'condition' | 't' | 'e'>;
    if (!isF32(t, e) || condition.dtype !== 'bool') return null;
    if (!tf.util.arraysEqual(condition.shape, t.shape) || !tf.util.arraysEqual(t.shape, e.shape)) return null;
    const c = backend.data.get(condition.dataId).values;
    if (!(c instanceof Uint8Array) || c.length === 0) return null;
    const out = newF32(c.length);
    select(c, f32(backend, t), f32(backend, e), out);
    return output(backend, [...t.shape], out);
  });
}
