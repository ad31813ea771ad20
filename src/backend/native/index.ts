/**
 * The `native` TF.js backend: the stock cpu backend (class and every kernel copied from 'cpu'), with the hot
 * kernels overridden by the N-API add-on over oneDNN and OpenBLAS (native/*.cc, one file per kernel, named
 * like the TS file that registers it). Whatever a native kernel does not cover it hands to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { loadAddon, type NativeAddon } from './addon.js';
import { batchMatMulConfig } from './BatchMatMul.js';
import { conv2DConfig } from './Conv2D.js';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter.js';
import { conv2DBackpropInputConfig } from './Conv2DBackpropInput.js';
import { fusedConv2DConfig } from './FusedConv2D.js';
import { fusedMatMulConfig } from './_FusedMatMul.js';
import { elementwiseConfigs } from './elementwise.js';
import { fusedBatchNormConfig } from './FusedBatchNorm.js';
import { selectConfig } from './Select.js';
import { tileConfig } from './Tile.js';

export const NATIVE_BACKEND = 'native';

/** The cpu backend's class under its own name; kernels see it as a MathBackendCPU. */
export class NativeBackend extends MathBackendCPU {
  constructor() {
    super();
    // The stock class prints a "use tfjs-node" banner on first use; genforge says which backend runs itself.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }
}

/** Kernels the add-on runs, by TF.js kernel name. */
export function nativeKernelConfigs(addon: NativeAddon): KernelConfig[] {
  return [
    conv2DConfig(addon),
    fusedConv2DConfig(addon),
    conv2DBackpropInputConfig(addon),
    conv2DBackpropFilterConfig(addon),
    batchMatMulConfig(addon),
    fusedMatMulConfig(addon),
    // Next in a DCGAN step's profile: BatchNorm's reductions and broadcasting arithmetic, LeakyReLU and its
    // gradient (Greater, Select), tanh/sigmoid/softplus, the Adam update's arithmetic.
    ...elementwiseConfigs(addon),
    fusedBatchNormConfig(addon),
    selectConfig(addon),
    tileConfig(addon),
  ];
}

let registered = false;

/** Names of the kernels overridden natively (after registerNativeBackend returned true). */
export const NATIVE_KERNELS: string[] = [];

/**
 * Register the `native` backend. False when the add-on is not built; throws when it is built but does not load.
 * Idempotent.
 */
export async function registerNativeBackend(): Promise<boolean> {
  if (registered) return true;
  const addon = loadAddon();
  if (!addon) return false;
  if (!tf.findBackendFactory(NATIVE_BACKEND)) {
    tf.registerBackend(NATIVE_BACKEND, () => new NativeBackend(), 0);
  }
  const natives = nativeKernelConfigs(addon);
  const overridden = new Set(natives.map((k) => k.kernelName));
  for (const k of tf.getKernelsForBackend('cpu')) {
    if (overridden.has(k.kernelName) || tf.getKernel(k.kernelName, NATIVE_BACKEND)) continue;
    tf.registerKernel({ ...k, backendName: NATIVE_BACKEND });
  }
  for (const k of natives) {
    if (tf.getKernel(k.kernelName, NATIVE_BACKEND)) tf.unregisterKernel(k.kernelName, NATIVE_BACKEND);
    tf.registerKernel(k);
  }
  NATIVE_KERNELS.splice(0, NATIVE_KERNELS.length, ...natives.map((k) => k.kernelName));
  registered = true;
  return true;
}
