/**
 * The trainer end to end on real MNIST images: same seed → identical weights; a run stopped and resumed
 * ends identical to an uninterrupted one; the run folder holds what it promises.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTrainConfig, type TrainConfigInput } from '../../src/config.js';
import { train, readMetrics } from '../../src/train/trainer.js';
import { checkpointBytes, mnistSubset, tempDir, useTestBackend } from '../helpers.js';

await useTestBackend();

const ds = mnistSubset(96);

function cfg(over: TrainConfigInput) {
  return parseTrainConfig({ model: 'gan', batchSize: 16, latentDim: 32, seed: 11, sampleEvery: 1000, checkpointEvery: 1000, ...over });
}


for (const model of ['gan', 'dcgan'] as const) {
  const steps = model === 'gan' ? 9 : 4;
  const batchSize = model === 'gan' ? 16 : 8;

  test(`${model}: the same seed gives identical weights; another seed does not`, async () => {
    const a = tempDir();
    const b = tempDir();
    const c = tempDir();
    try {
      await train({ config: cfg({ model, steps, batchSize }), dataset: ds, outDir: a.path });
      await train({ config: cfg({ model, steps, batchSize }), dataset: ds, outDir: b.path });
      await train({ config: cfg({ model, steps, batchSize, seed: 12 }), dataset: ds, outDir: c.path });
      assert.deepEqual(checkpointBytes(a.path), checkpointBytes(b.path));
      assert.notDeepEqual(checkpointBytes(a.path)['generator/weights.bin'], checkpointBytes(c.path)['generator/weights.bin']);
    } finally {
      a.cleanup();
      b.cleanup();
      c.cleanup();
    }
  });

  test(`${model}: stopped (signal) after a few steps and resumed, it ends identical to an uninterrupted run`, async () => {
    const full = tempDir();
    const part = tempDir();
    try {
      await train({ config: cfg({ model, steps, batchSize }), dataset: ds, outDir: full.path });
      const ac = new AbortController();
      const stopAt = Math.floor(steps / 2);
      const first = await train({
        config: cfg({ model, steps, batchSize }),
        dataset: ds,
        outDir: part.path,
        signal: ac.signal,
        callbacks: { onStep: (r) => r.step === stopAt && ac.abort() },
      });
      assert.equal(first.interrupted, true);
      assert.equal(first.step, stopAt);
      const second = await train({ config: cfg({ model, steps, batchSize }), dataset: ds, outDir: part.path, resume: true });
      assert.equal(second.step, steps);
      assert.deepEqual(checkpointBytes(part.path), checkpointBytes(full.path));
      // The metrics log holds each step once, in order.
      assert.deepEqual(readMetrics(part.path).map((r) => r.step), Array.from({ length: steps }, (_, i) => i + 1));
    } finally {
      full.cleanup();
      part.cleanup();
    }
  });
}

test('a budget in epochs crosses epoch boundaries and resumes to a larger budget', async () => {
  const full = tempDir();
  const part = tempDir();
  try {
    // 96 images, batch 40: 3 steps per epoch (the last one of 16 images).
    await train({ config: cfg({ epochs: 3, batchSize: 40 }), dataset: ds, outDir: full.path });
    await train({ config: cfg({ epochs: 1, batchSize: 40 }), dataset: ds, outDir: part.path });
    const r = await train({ config: cfg({ epochs: 3, batchSize: 40 }), dataset: ds, outDir: part.path, resume: true });
    assert.equal(r.step, 9);
    assert.deepEqual(checkpointBytes(part.path), checkpointBytes(full.path));
  } finally {
    full.cleanup();
    part.cleanup();
  }
});

test('the run folder describes itself and holds samples, curves, metrics and a checkpoint', async () => {
  const d = tempDir();
  try {
    const res = await train({ config: cfg({ steps: 4, sampleEvery: 2, checkpointEvery: 2 }), dataset: ds, outDir: d.path });
    const run = JSON.parse(readFileSync(join(d.path, 'run.json'), 'utf8'));
    assert.equal(run.format, 'genforge-run');
    assert.equal(run.formatVersion, 1);
    assert.equal(run.config.seed, 11);
    assert.deepEqual(run.model, { family: 'gan', latentDim: 32, height: 28, width: 28, channels: 1 });
    for (const f of ['samples.png', 'samples/step-00000002.png', 'samples/final.png', 'curves.html', 'curves.svg', 'curves.png', 'metrics.jsonl', 'checkpoints/latest.json']) {
      assert.ok(existsSync(join(d.path, f)), `missing ${f}`);
    }
    const png = readFileSync(join(d.path, 'samples.png'));
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47], 'samples.png is a PNG');
    const metrics = readMetrics(d.path);
    assert.equal(metrics.length, 4);
    for (const m of metrics) assert.ok([m.lossD, m.lossG, m.dReal, m.dFake].every(Number.isFinite));
    assert.equal(res.step, 4);
    await assert.rejects(
      train({ config: cfg({ steps: 4 }), dataset: ds, outDir: d.path }),
      /exists and is not empty.*--resume/,
    );
  } finally {
    d.cleanup();
  }
});

test('a damaged newest checkpoint: loading warns and falls back; resuming sets it aside and keeps the intact ones', async () => {
  const { writeFileSync, readdirSync } = await import('node:fs');
  const { setLogSink, resetLogSink } = await import('../../src/log.js');
  const { loadLatestCheckpoint } = await import('../../src/train/checkpoint.js');
  const d = tempDir();
  const warnings: string[] = [];
  try {
    await train({ config: cfg({ steps: 4, checkpointEvery: 2 }), dataset: ds, outDir: d.path });
    const bad = join(d.path, 'checkpoints', 'step-00000004', 'generator', 'weights.bin');
    const bytes = readFileSync(bad);
    bytes[100] = bytes[100]! ^ 0xff;
    writeFileSync(bad, bytes);
    setLogSink((lvl, msg) => lvl === 'warn' && warnings.push(msg));
    const ck = await loadLatestCheckpoint(d.path);
    assert.equal(ck.state.step, 2, 'falls back to the intact step 2');
    assert.ok(warnings.some((w) => /step-00000004: generator\/weights\.bin does not match its checksum/.test(w)), warnings.join('\n'));
    ck.models.generator.dispose();
    ck.models.discriminator.dispose();

    const r = await train({ config: cfg({ steps: 6, checkpointEvery: 2 }), dataset: ds, outDir: d.path, resume: true });
    assert.equal(r.step, 6);
    const names = readdirSync(join(d.path, 'checkpoints')).sort();
    assert.ok(names.includes('damaged-step-00000004'), names.join(', '));
    assert.ok(names.includes('step-00000006') && names.includes('step-00000004'), `intact newest two kept: ${names}`);
    // The run resumed from step 2, so its steps 3..6 were trained again; each is logged once.
    assert.deepEqual(readMetrics(d.path).map((m) => m.step), [1, 2, 3, 4, 5, 6]);

    // Every checkpoint damaged: the error says which and why.
    for (const n of ['step-00000004', 'step-00000006']) writeFileSync(join(d.path, 'checkpoints', n, 'optimizer.bin'), 'x');
    await assert.rejects(loadLatestCheckpoint(d.path), /no intact checkpoint: .*step-00000006: optimizer\.bin does not match its checksum/);
  } finally {
    resetLogSink();
    d.cleanup();
  }
});

test('resuming with a budget below the step the run reached is refused; --out that is a file is refused', async () => {
  const { writeFileSync } = await import('node:fs');
  const d = tempDir();
  try {
    await train({ config: cfg({ steps: 3 }), dataset: ds, outDir: join(d.path, 'run') });
    await assert.rejects(
      train({ config: cfg({ steps: 2 }), dataset: ds, outDir: join(d.path, 'run'), resume: true }),
      /already at step 3, past the budget of 2 steps/,
    );
    assert.equal(JSON.parse(readFileSync(join(d.path, 'run', 'run.json'), 'utf8')).totalSteps, 3, 'run.json untouched');
    writeFileSync(join(d.path, 'afile'), 'x');
    await assert.rejects(train({ config: cfg({ steps: 1 }), dataset: ds, outDir: join(d.path, 'afile') }), /is a file, not a folder/);
  } finally {
    d.cleanup();
  }
});
