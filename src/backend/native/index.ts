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
import { enablePool, isPooled, release, retain } from './pool.js';
import { elementwiseConfigs } from './elementwise.js';
import { fusedBatchNormConfig } from './FusedBatchNorm.js';
import { selectConfig } from './Select.js';
import { tileConfig } from './Tile.js';

export const NATIVE_BACKEND = 'native';

/** The cpu backend's class under its own name; kernels see it as a MathBackendCPU. */
/**
 * The cpu backend's class under its own name; kernels see it as a MathBackendCPU. It also keeps the output
 * pool safe (pool.ts): it counts the tensors storing each pooled buffer and reads out copies of them.
 */
export class NativeBackend extends MathBackendCPU {
  constructor() {
    super();
    // The stock class prints a "use tfjs-node" banner on first use; genforge says which backend runs itself.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  override write(values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType): tf.DataId {
    retain(values);
    return super.write(values, shape, dtype);
  }

  override move(dataId: tf.DataId, values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType, refCount: number): void {
    retain(values);
    super.move(dataId, values, shape, dtype, refCount);
  }

  override readSync(dataId: tf.DataId): tf.backend_util.BackendValues {
    const v = super.readSync(dataId);
    return isPooled(v) ? v.slice() : v;
  }

  override disposeData(dataId: tf.DataId, force?: boolean): boolean {
    const values = this.data.get(dataId)?.values;
    const done = super.disposeData(dataId, force);
    if (values !== undefined && !this.data.has(dataId)) release(values);
    return done;
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
  // GENFORGE_NATIVE_SKIP=Kernel,Kernel leaves those kernels stock (for bisecting a problem).
  const skip = new Set((process.env.GENFORGE_NATIVE_SKIP ?? '').split(',').filter(Boolean));
  const natives = nativeKernelConfigs(addon).filter((k) => !skip.has(k.kernelName));
  const overridden = new Set(natives.map((k) => k.kernelName));
  for (const k of tf.getKernelsForBackend('cpu')) {
    if (overridden.has(k.kernelName) || tf.getKernel(k.kernelName, NATIVE_BACKEND)) continue;
    tf.registerKernel({ ...k, backendName: NATIVE_BACKEND });
  }
  for (const k of natives) {
    if (tf.getKernel(k.kernelName, NATIVE_BACKEND)) tf.unregisterKernel(k.kernelName, NATIVE_BACKEND);
    tf.registerKernel(k);
  }
  enablePool(process.env.GENFORGE_NATIVE_POOL !== '0');
  NATIVE_KERNELS.splice(0, NATIVE_KERNELS.length, ...natives.map((k) => k.kernelName));
  registered = true;
  return true;
}
