/**
 * The evaluator and evaluateWith on real MNIST: a reduced evaluator (6,000 images, one epoch) is trained
 * here, so the test does not depend on the cache. With it: FID of real training images against the test
 * split is small, FID of one class or of noise is large; coverage falls when classes are missing; the class
 * histogram of one-class samples; memorization flags exact training copies; label agreement.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadMnist } from '../../src/data/mnist.js';
import type { Dataset } from '../../src/data/types.js';
import {
  loadEvaluator,
  saveEvaluator,
  trainEvaluator,
  EVALUATOR_VERSION,
  FEATURE_DIM,
  type Evaluator,
  type EvaluatorMeta,
} from '../../src/eval/evaluator.js';
import { evaluateWith, pickImages, prepareEvaluation, type EvalContext, type Images } from '../../src/eval/evaluate.js';
import { Rng } from '../../src/util/rng.js';
import { tempDir, useTestBackend } from '../helpers.js';

// The real cache, looked up before this test points GENFORGE_CACHE at a temporary folder.
const realCache = join(process.env.GENFORGE_CACHE || join(homedir(), '.cache', 'genforge'), 'evaluators', `mnist-v${EVALUATOR_VERSION}`);
const cache = tempDir('genforge-eval-cache-');
process.env.GENFORGE_CACHE = cache.path;
await useTestBackend();

let train: Dataset;
let testSplit: Dataset;
let ev: Evaluator;
let ctx: EvalContext;
const FAST = { kidSubsets: 10, baseline: false } as const;

before(async () => {
  train = loadMnist('train');
  testSplit = loadMnist('test');
  ev = await trainEvaluator(train, testSplit, 'mnist', { epochs: 1, trainCount: 10000 });
  console.log(`reduced evaluator: accuracy ${ev.meta.testAccuracy}, ${ev.meta.trainSeconds.toFixed(1)} s`);
  ctx = await prepareEvaluation({ dataset: 'mnist' }, { evaluatorInstance: ev, memorizationTrain: 5000 });
});
after(() => cache.cleanup());

function images(idx: ArrayLike<number>): Images {
  return { pixels: pickImages(train, idx), count: idx.length, height: 28, width: 28, channels: 1 };
}

/** n training images outside the memorization reference whose label passes `keep`. */
function realImages(n: number, keep: (label: number) => boolean = () => true): number[] {
  const out: number[] = [];
  for (const i of ctx.spareIndex) {
    if (keep(train.labels![i]!)) out.push(i);
    if (out.length === n) break;
  }
  return out;
}

test('a reduced evaluator reaches > 90 % test accuracy and gives 128-d features and probabilities', () => {
  assert.equal(ev.meta.kind, 'classifier');
  assert.ok(ev.meta.testAccuracy! > 0.9, `accuracy ${ev.meta.testAccuracy}`);
  const { features, probs } = ev.embed(testSplit.pixels.subarray(0, 10 * 784), 10);
  assert.equal(features.d, FEATURE_DIM);
  assert.equal(probs!.d, 10);
  for (let i = 0; i < 10; i++) {
    let s = 0;
    for (let j = 0; j < 10; j++) s += probs!.data[i * 10 + j]!;
    assert.ok(Math.abs(s - 1) < 1e-4);
  }
});

test('save → load gives the same features bit for bit, and meta.json describes the evaluator', async () => {
  const dir = join(cache.path, 'evaluators', 'roundtrip');
  await saveEvaluator(ev, dir);
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as EvaluatorMeta;
  assert.equal(meta.version, EVALUATOR_VERSION);
  assert.equal(meta.dataset, 'mnist');
  assert.equal(meta.featureDim, FEATURE_DIM);
  assert.equal(meta.testAccuracy, ev.meta.testAccuracy);
  assert.ok(existsSync(join(dir, 'model.json')) && existsSync(join(dir, 'weights.bin')));
  const loaded = await loadEvaluator(dir);
  const px = testSplit.pixels.subarray(0, 50 * 784);
  assert.deepEqual(loaded.embed(px, 50).features.data, ev.embed(px, 50).features.data);
  loaded.dispose();
});

test('the cached full MNIST evaluator (when present) reached ≥ 98.5 % test accuracy', (t) => {
  if (!existsSync(join(realCache, 'meta.json'))) {
    t.skip(`no cached evaluator in ${realCache} (genforge eval --train-evaluator --dataset mnist makes one)`);
    return;
  }
  const meta = JSON.parse(readFileSync(join(realCache, 'meta.json'), 'utf8')) as EvaluatorMeta;
  assert.equal(meta.trainCount, 60000);
  assert.ok(meta.testAccuracy! >= 0.985, `accuracy ${meta.testAccuracy}`);
});

test('FID: real training images vs test is small; one class only and noise are far off', () => {
  const real = evaluateWith(ctx, images(realImages(1000)), FAST);
  const ones = evaluateWith(ctx, images(realImages(1000, (l) => l === 1)), FAST);
  const rng = new Rng(5);
  const noisePx = Uint8Array.from({ length: 1000 * 784 }, () => rng.int(256));
  const noise = evaluateWith(ctx, { pixels: noisePx, count: 1000, height: 28, width: 28, channels: 1 }, FAST);
  assert.ok(real.fid < 10, `real FID ${real.fid}`);
  assert.ok(ones.fid > 10 * real.fid, `one-class FID ${ones.fid} vs real ${real.fid}`);
  assert.ok(noise.fid > 10 * real.fid, `noise FID ${noise.fid} vs real ${real.fid}`);
  assert.ok(real.kid < ones.kid && real.kid < noise.kid);
  assert.ok(real.precision > 0.6 && real.recall > 0.6, `P ${real.precision} R ${real.recall}`);
  assert.ok(real.inception_score! > 5 && real.inception_score! > 3 * ones.inception_score!, `IS ${real.inception_score} vs ${ones.inception_score}`);
});

test('coverage falls when half the classes are missing', () => {
  const all = evaluateWith(ctx, images(realImages(1000)), FAST);
  const half = evaluateWith(ctx, images(realImages(1000, (l) => l < 5)), FAST);
  assert.ok(half.coverage < all.coverage - 0.25, `coverage ${half.coverage} vs ${all.coverage}`);
  assert.equal(all.classes_covered, 10);
  assert.deepEqual(half.missing_classes, [5, 6, 7, 8, 9]);
});

test('one-class samples: the histogram puts them in that class, the other classes are missing, Inception Score ≈ 1', () => {
  const r = evaluateWith(ctx, images(realImages(500, (l) => l === 0)), FAST);
  // The reduced evaluator mislabels a few per cent of digits, so a second class may just pass the 1 % bar.
  assert.ok(r.classes_covered! <= 2, `histogram ${r.class_histogram}`);
  assert.ok(!r.missing_classes!.includes(0));
  assert.ok(r.class_histogram![0]! >= 475, `histogram ${r.class_histogram}`);
  assert.ok(r.inception_score! < 1.5, `IS ${r.inception_score}`);
});

test('memorization flags exact training copies and names the copied training images', () => {
  const copied = Array.from(ctx.memIndex.subarray(0, 300));
  const fresh = realImages(700);
  const r = evaluateWith(ctx, images([...copied, ...fresh]), { ...FAST, closest: 5 });
  const m = r.memorization!;
  assert.ok(m.near_copies >= 300, `near copies ${m.near_copies}`);
  assert.ok(m.near_copies < 300 + 0.05 * 700, `near copies ${m.near_copies}`);
  for (const p of m.closest) {
    assert.equal(p.distance, 0);
    assert.ok(p.generated < 300);
    assert.equal(p.train, copied[p.generated]);
  }
  const clean = evaluateWith(ctx, images(fresh), FAST);
  assert.ok(clean.near_copy_share! < 0.05, `share ${clean.near_copy_share}`);
});

test('label agreement: the classes asked for vs the classes predicted', () => {
  const idx = realImages(500);
  const right = evaluateWith(ctx, images(idx), { ...FAST, requestedLabels: idx.map((i) => train.labels![i]!) });
  const wrong = evaluateWith(ctx, images(idx), { ...FAST, requestedLabels: idx.map((i) => (train.labels![i]! + 1) % 10) });
  assert.ok(right.label_agreement! > 0.85, `agreement ${right.label_agreement}`);
  assert.ok(wrong.label_agreement! < 0.1, `agreement ${wrong.label_agreement}`);
});

test('the baseline scores real training images the same way and is close to the floor', () => {
  const r = evaluateWith(ctx, images(realImages(300, (l) => l === 3)), { kidSubsets: 10 });
  assert.ok(r.baseline);
  assert.equal(r.baseline.n, 300);
  assert.ok(r.baseline.fid < r.fid / 5, `baseline FID ${r.baseline.fid} vs ${r.fid}`);
  assert.equal(r.baseline.classes_covered, 10);
  assert.ok(r.baseline.near_copy_share! < 0.05);
});

test('samples of the wrong size are rejected with a message naming both sizes', () => {
  assert.throws(
    () => evaluateWith(ctx, { pixels: new Uint8Array(10 * 14 * 14), count: 10, height: 14, width: 14, channels: 1 }, FAST),
    /14×14×1 images but mnist is 28×28×1/,
  );
});
