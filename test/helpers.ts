/** Shared test helpers: backend set-up, small real datasets, temp folders. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../src/backend/index.js';
import { loadMnist } from '../src/data/mnist.js';
import { takeFirst, type Dataset } from '../src/data/types.js';
import { setLogLevel } from '../src/log.js';
import { findLatestCheckpoint } from '../src/train/checkpoint.js';

setLogLevel('warn');

/** The backend the train tests run on: wasm (the one every machine has), or GENFORGE_TEST_BACKEND. */
export async function useTestBackend(): Promise<string> {
  const name = (process.env.GENFORGE_TEST_BACKEND as BackendName | undefined) ?? 'wasm';
  await initBackend(name);
  return tf.getBackend();
}

let mnist: Dataset | null = null;
/** The first n real MNIST training images. */
export function mnistSubset(n: number): Dataset {
  mnist ??= loadMnist('train');
  return takeFirst(mnist, n);
}

export function tempDir(prefix = 'genforge-test-'): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** All weights of a model as one Float32Array (for exact comparisons). */
export function flatWeights(model: tf.LayersModel): Float32Array {
  const parts = model.getWeights().map((w) => w.dataSync() as Float32Array);
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** The bytes that define a run's trained state: both models' weights and the optimizer moments. */
export function checkpointBytes(runDir: string): Record<string, Buffer> {
  const ck = findLatestCheckpoint(runDir);
  assert.ok(ck, `no intact checkpoint in ${runDir}`);
  const out: Record<string, Buffer> = {};
  for (const f of ['generator/weights.bin', 'discriminator/weights.bin', 'optimizer.bin']) out[f] = readFileSync(join(ck.dir, f));
  return out;
}
