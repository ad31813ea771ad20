/**
 * The same seed and step count on `native` and on `wasm` train the same model: matching losses step by
 * step and matching samples. Skipped (with a message) when the native add-on is not built.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/index.js';
import { parseTrainConfig } from '../../src/config.js';
import { train, readMetrics } from '../../src/train/trainer.js';
import { loadRun } from '../../src/train/load.js';
import { sampleImages } from '../../src/train/sample.js';
import { checkpointBytes, mnistSubset, tempDir } from '../helpers.js';

let nativeWhy: string | null = null;
try {
  await initBackend('native');
} catch (e) {
  nativeWhy = (e as Error).message;
}

async function runOn(backend: 'native' | 'wasm', dir: string, model: 'gan' | 'dcgan', steps: number) {
  await initBackend(backend);
  assert.equal(tf.getBackend(), backend);
  const config = parseTrainConfig({ model, steps, batchSize: 32, seed: 3, sampleEvery: 1000, checkpointEvery: 1000 });
  await train({ config, dataset: mnistSubset(512), outDir: dir });
  const run = await loadRun(dir);
  const px = sampleImages(run, 16, 9);
  run.generator.dispose();
  run.discriminator.dispose();
  return { metrics: readMetrics(dir), px };
}

for (const [model, steps] of [['gan', 12], ['dcgan', 6]] as const) {
  test(`${model}: native and wasm give matching losses and samples for the same seed`, { skip: nativeWhy ?? false }, async () => {
    const a = tempDir();
    const b = tempDir();
    try {
      const n = await runOn('native', a.path, model, steps);
      const w = await runOn('wasm', b.path, model, steps);
      assert.equal(n.metrics.length, steps);
      for (let i = 0; i < steps; i++) {
        for (const k of ['lossD', 'lossG', 'dReal', 'dFake'] as const) {
          const x = n.metrics[i]![k];
          const y = w.metrics[i]![k];
          assert.ok(Math.abs(x - y) <= 2e-3 * Math.max(1, Math.abs(y)), `step ${i + 1} ${k}: native ${x} vs wasm ${y}`);
        }
      }
      // Samples: the mean absolute pixel difference is a few grey levels at most (0..255).
      let diff = 0;
      for (let i = 0; i < n.px.length; i++) diff += Math.abs(n.px[i]! - w.px[i]!);
      const mad = diff / n.px.length;
      assert.ok(mad < 2, `mean absolute pixel difference ${mad.toFixed(3)}`);
    } finally {
      a.cleanup();
      b.cleanup();
    }
  });
}

test('native: separate processes with the same seed give identical weights, and resume across processes matches', { skip: nativeWhy ?? false }, async () => {
  const { cli } = await import('../cli/run-cli.js');
  const { join } = await import('node:path');
  const d = tempDir();
  const bytes = checkpointBytes;
  try {
    const args = ['train', '--model', 'dcgan', '--batch-size', '32', '--seed', '4', '--backend', 'native', '--no-progress'];
    for (const name of ['a', 'b']) assert.equal(cli([...args, '--steps', '12', '--out', join(d.path, name)]).code, 0);
    assert.equal(cli([...args, '--steps', '6', '--out', join(d.path, 'c')]).code, 0);
    assert.equal(cli(['train', '--resume', join(d.path, 'c'), '--steps', '12', '--backend', 'native']).code, 0);
    assert.deepEqual(bytes(join(d.path, 'b')), bytes(join(d.path, 'a')), 'two processes, same seed');
    assert.deepEqual(bytes(join(d.path, 'c')), bytes(join(d.path, 'a')), 'stopped at 6, resumed in a new process to 12');
  } finally {
    d.cleanup();
  }
});
