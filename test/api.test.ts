/** The package as a library: the README's example, imported through the package name and its exports. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tempDir } from './helpers.js';

test("the README's library example runs through the package exports", async () => {
  const g = await import('genforge');
  const d = tempDir();
  try {
    await g.initBackend('wasm');
    const data = g.takeFirst(await g.loadDataset({ dataset: 'mnist' }), 256);
    const config = g.parseTrainConfig({ model: 'gan', steps: 4, batchSize: 32, seed: 1 });
    const seen: number[] = [];
    const result = await g.train({ config, dataset: data, outDir: join(d.path, 'run'), callbacks: { onStep: (s) => seen.push(s.step) } });
    assert.deepEqual(seen, [1, 2, 3, 4]);
    const run = await g.loadRun(result.outDir);
    const images = g.sampleImages(run, 16, 3);
    assert.equal(images.length, 16 * 28 * 28);
    assert.deepEqual(g.sampleImages(run, 16, 3), images, 'same seed, same images');
    assert.equal(typeof g.metrics.fid, 'function');
  } finally {
    d.cleanup();
  }
});
