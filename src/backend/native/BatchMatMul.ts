/** BatchMatMul on dnnl_sgemm: [..., M, K] x [..., K, N], transposes, batch-1 broadcasting. */
import * as tf from '@tensorflow/tfjs';
import type { BatchMatMulAttrs, KernelConfig } from '@tensorflow/tfjs';
import type { NativeAddon } from './addon.js';
import { planMatMul } from './matmul.js';
import { newF32, f32, isF32, nativeKernel, output, type Ins } from './util.js';

export function batchMatMulConfig(addon: NativeAddon): KernelConfig {
  return nativeKernel(tf.BatchMatMul, ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as Ins<'a' | 'b'>;
    const { transposeA, transposeB } = attrs as unknown as BatchMatMulAttrs;
    if (!isF32(a, b)) return null;
    const plan = planMatMul(a, b, transposeA, transposeB);
    if (!plan) return null;
    const c = newF32(plan.size);
    addon.batchMatMul(f32(backend, a), f32(backend, b), c, plan.dims);
    return output(backend, plan.outShape, c);
  });
}
