/**
 * Backend choice. genforge runs on TF.js backends: `native` (our N-API add-on over oneDNN/OpenBLAS, when it
 * is built), `wasm` (stock TF.js wasm plus the training kernels it lacks, registered by us), `cpu` (stock
 * TF.js, the slow reference), and `tensorflow` (TF.js's own @tensorflow/tfjs-node, when a user has it).
 * `auto` picks the fastest one that loads and says once which one runs.
 */
import * as tf from '@tensorflow/tfjs';
import { GenforgeError, ERROR_CODES } from '../errors.js';
import { log } from '../log.js';

export const BACKEND_NAMES = ['auto', 'native', 'wasm', 'cpu', 'tensorflow'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendInfo {
  readonly name: Exclude<BackendName, 'auto'>;
  /** Why this one, and how to get a faster one when it is not the fastest. */
  readonly note: string;
}

let active: BackendInfo | null = null;

async function tryNative(): Promise<string | null> {
  try {
    const mod = await import('./native/index.js');
    return (await mod.registerNativeBackend()) ? null : 'the native add-on is not built';
  } catch (e) {
    return `the native add-on did not load (${(e as Error).message.split('\n')[0]})`;
  }
}

async function tryWasm(): Promise<string | null> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    await import('./wasm/index.js');
    return null;
  } catch (e) {
    return `the wasm backend did not load (${(e as Error).message.split('\n')[0]})`;
  }
}

async function tryTensorflow(): Promise<string | null> {
  try {
    // Optional peer: only present when the user installed it themselves.
    const name = '@tensorflow/tfjs-node';
    await import(name);
    return null;
  } catch {
    return '@tensorflow/tfjs-node is not installed (npm install @tensorflow/tfjs-node, where its binary can be downloaded)';
  }
}

async function activate(name: Exclude<BackendName, 'auto'>): Promise<boolean> {
  const ok = await tf.setBackend(name);
  if (ok) await tf.ready();
  if (ok && name === 'cpu') {
    // The stock cpu backend greets Node users with advice to install tfjs-node; genforge says which backend
    // runs and how to get a fast one itself.
    (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  }
  if (ok && name === 'wasm') {
    // After the backend has started, so that the stock kernels ours wrap have run their set-up.
    const { registerWasmTrainingKernels } = await import('./wasm/index.js');
    registerWasmTrainingKernels();
  }
  return ok && tf.getBackend() === name;
}

const HOW_TO_NATIVE =
  'for the fast native backend install libdnnl-dev and libopenblas-dev (apt-get install libdnnl-dev libopenblas-dev) and run npm run build:native';

/**
 * Make `name` the active TF.js backend. `auto`: native, else wasm, else cpu. An explicit name that cannot be
 * used is an error that says why.
 */
export async function initBackend(name: BackendName = 'auto'): Promise<BackendInfo> {
  if (active && (name === 'auto' || name === active.name) && tf.getBackend() === active.name) return active;
  if (name === 'auto') {
    const whyNotNative = await tryNative();
    if (whyNotNative === null && (await activate('native'))) {
      active = { name: 'native', note: 'native (oneDNN/OpenBLAS add-on)' };
    } else {
      const whyNotWasm = await tryWasm();
      if (whyNotWasm === null && (await activate('wasm'))) {
        active = { name: 'wasm', note: `wasm (${whyNotNative ?? 'native backend failed to start'}; ${HOW_TO_NATIVE})` };
      } else {
        await activate('cpu');
        active = { name: 'cpu', note: `cpu, slow (${whyNotNative}; ${whyNotWasm})` };
      }
    }
    return active;
  }
  const why =
    name === 'native' ? await tryNative() : name === 'wasm' ? await tryWasm() : name === 'tensorflow' ? await tryTensorflow() : null;
  if (why !== null || !(await activate(name))) {
    throw new GenforgeError(
      ERROR_CODES.BACKEND_UNAVAILABLE,
      `--backend ${name}: cannot be used here: ${why ?? 'TF.js refused to start it'}` +
        (name === 'native' ? `; ${HOW_TO_NATIVE}` : ''),
    );
  }
  active = { name, note: name === 'cpu' ? 'cpu (stock TF.js, slow)' : name };
  return active;
}

/** The backend that runs now, if initBackend was called. */
export function activeBackend(): BackendInfo | null {
  return active;
}

/** Say once which backend runs. */
export function announceBackend(info: BackendInfo): void {
  log.info(`backend: ${info.note}`);
}
