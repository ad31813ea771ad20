/** _FusedMatMul on dnnl_sgemm, then bias (length N or 1) and activation in one native pass; prelu stays stock. */
import * as tf from '@tensorflow/tfjs';
import type { _FusedMatMulAttrs, KernelConfig } from '@tensorflow/tfjs';
import { ACTIVATION_CODES, type NativeAddon } from './addon.js';
import { planMatMul } from './matmul.js';
import { newF32, f32, isF32, nativeKernel, output, type Ins, type Opt } from './util.js';

export function fusedMatMulConfig(addon: NativeAddon): KernelConfig {
  return nativeKernel(tf._FusedMatMul, ({ inputs, backend, attrs }) => {
    const { a, b, bias } = inputs as Ins<'a' | 'b'> & Opt<'bias'>;
    const { transposeA, transposeB, activation, leakyreluAlpha } = attrs as unknown as _FusedMatMulAttrs;
    const act = ACTIVATION_CODES[activation ?? 'linear'];
    if (act === undefined || !isF32(a, b, bias)) return null;
    const plan = planMatMul(a, b, transposeA, transposeB);
    if (!plan) return null;
    let bv: Float32Array | null = null;
    if (bias) {
      const n = tf.util.sizeFromShape(bias.shape);
      const lastIsN = bias.shape.length === 0 || bias.shape[bias.shape.length - 1] === n;
      if (!((n === plan.N && lastIsN) || n === 1) || bias.shape.length > plan.outShape.length) return null;
      bv = f32(backend, bias);
    }
    const c = newF32(plan.size);
    addon.fusedMatMul(f32(backend, a), f32(backend, b), bv, c, plan.dims, act, leakyreluAlpha ?? 0.2);
    return output(backend, plan.outShape, c);
  });
}
