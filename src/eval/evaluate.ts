/**
 * Evaluating generated images against a dataset: one `EvalReport` with FID, KID, precision/recall,
 * density/coverage, Inception Score, class histogram and coverage, label agreement (conditional models),
 * a memorization check and, beside every number, the same numbers for real held-out images (the test split
 * against the training split, the floor a perfect generator would reach with this many samples).
 *
 * Steps (evaluateWith):
 *   1. features (and class probabilities) of the samples from the dataset's evaluator (./evaluator.ts);
 *   2. FID and KID against all test features;
 *   3. PRDC against a test subset of the same size as the samples (PRDC depends on the set sizes, so both
 *      sides get the same n, as in Naeem et al.);
 *   4. Inception Score, class histogram, covered classes, label agreement (classifier evaluators only);
 *   5. memorization: nearest training image (in a seeded subset of `memorizationTrain` training images) of
 *      every sample, against the same distance for a fixed seeded subset of test images (as many as the
 *      samples, from 2,000 up to 5,000);
 *   6. the baseline: steps 2–5 with n real training images (disjoint from the memorization subset) in
 *      place of the samples.
 * A `EvalContext` (prepareEvaluation) holds what does not depend on the samples: data, evaluator, test and
 * train features, baselines per n. `--eval-every` in training reuses one context for every evaluation.
 * Baselines are also cached on disk beside the evaluator (baseline-<hash>.json): they depend only on the
 * evaluator, n and the settings, and cost as much as scoring the samples.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { writeFileAtomic } from '../util/atomic.js';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { ERROR_CODES, GenforgeError, fmtCount } from '../errors.js';
import { loadDataset, type Dataset, type DatasetSpec } from '../data/index.js';
import { Rng } from '../util/rng.js';
import { TOOLKIT_VERSION } from '../version.js';
import { loadRun } from '../train/load.js';
import { sampleImages } from '../train/sample.js';
import { generateImages, latentCodes } from '../train/samples.js';
import {
  argmaxRows,
  classCoverage,
  fid,
  fidFromStats,
  gaussianStats,
  inceptionScore,
  kid,
  labelAgreement,
  memorization,
  prdc,
  selectRows,
  KID_DEFAULTS,
  PRDC_DEFAULTS,
  type Features,
  type GaussianStats,
} from './metrics/index.js';
import { describeEvaluator, getEvaluator, holdOut, evaluatorDir, type Evaluator, type GetEvaluatorOptions } from './evaluator.js';

export const EVAL_REPORT_VERSION = 1;

/** uint8 images [count, height, width, channels]; a Dataset is one. */
export interface Images {
  readonly pixels: Uint8Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

export interface EvalOptions {
  /** KID: random subsets averaged (default 100). */
  readonly kidSubsets?: number;
  /** KID: samples per subset (default 1000; 0 = the whole sets). */
  readonly kidSubsetSize?: number;
  /** Seed of the KID subsets and of the test/train subsets (default 0). */
  readonly seed?: number;
  /** For a conditional model: the class each sample was generated for ([n]). */
  readonly requestedLabels?: ArrayLike<number>;
  /** Compute the real-vs-real baseline (default true). */
  readonly baseline?: boolean;
  /** Distance space of the memorization check (default 'features', 6× cheaper than pixels for MNIST). */
  readonly memorizationSpace?: 'features' | 'pixels';
  /** Closest sample/training pairs to report (default 8). */
  readonly closest?: number;
}

export interface PrepareOptions {
  /** Training images the memorization check compares with (default 20,000; 0 = all). */
  readonly memorizationTrain?: number;
  /** Evaluator training / cache options. */
  readonly evaluator?: GetEvaluatorOptions;
  /** An evaluator already loaded (tests); skips the cache. */
  readonly evaluatorInstance?: Evaluator;
  /** Seed of the train subsets (default 0). */
  readonly seed?: number;
}

export const EVAL_DEFAULTS = Object.freeze({
  kidSubsets: KID_DEFAULTS.subsets,
  kidSubsetSize: KID_DEFAULTS.subsetSize,
  seed: 0,
  memorizationTrain: 20_000,
  closest: 8,
  isSplits: 10,
  runSamples: 10_000,
  /** Test images that give the memorization check its reference distances. */
  memorizationTest: 5_000,
  /** Samples per evaluation during training (--eval-every): FID at 2,000 samples is noisier but 5× cheaper. */
  trainingSamples: 2_000,
  trainingKidSubsets: 20,
});

/** The numbers computed for one set of images (the samples, or the real baseline). */
export interface SetScores {
  readonly n: number;
  readonly fid: number;
  readonly kid: number;
  readonly kid_std: number;
  readonly precision: number;
  readonly recall: number;
  readonly density: number;
  readonly coverage: number;
  /** null without class probabilities (autoencoder evaluator, or --features input). */
  readonly inception_score: number | null;
  readonly inception_score_std: number | null;
  readonly classes_covered: number | null;
  readonly class_histogram: readonly number[] | null;
  readonly missing_classes: readonly number[] | null;
  readonly near_copy_share: number | null;
  readonly nn_distance_ratio: number | null;
}

export interface MemorizationReport {
  readonly space: 'features' | 'pixels';
  /** Training images searched (a seeded subset when fewer than the training split). */
  readonly train_searched: number;
  readonly train_total: number;
  readonly percentile: number;
  readonly threshold: number;
  readonly near_copies: number;
  readonly near_copy_share: number;
  readonly median_generated_to_train: number;
  readonly median_test_to_train: number;
  readonly ratio: number;
  /** Closest pairs, closest first; `train` indexes the dataset's training split. */
  readonly closest: readonly { readonly generated: number; readonly train: number; readonly distance: number }[];
}

export interface EvalReport extends SetScores {
  readonly format: 'genforge-eval';
  readonly version: number;
  readonly toolkitVersion: string;
  readonly createdAt: string;
  readonly dataset: string;
  readonly source: { readonly kind: 'run' | 'samples' | 'features'; readonly path: string | null; readonly step?: number };
  readonly evaluator: {
    readonly kind: string;
    readonly description: string;
    readonly dir: string | null;
    readonly test_accuracy: number | null;
    readonly feature_dim: number;
  } | null;
  readonly class_names: readonly string[] | null;
  /** Agreement of predicted with requested labels (conditional models), else null. */
  readonly label_agreement: number | null;
  readonly label_agreement_per_class: readonly (number | null)[] | null;
  readonly memorization: MemorizationReport | null;
  /** The same scores for n real training images against the test split: what a perfect model would get. */
  readonly baseline: (SetScores & { readonly what: string }) | null;
  readonly settings: {
    readonly kid_subsets: number;
    readonly kid_subset_size: number;
    readonly seed: number;
    readonly k_precision_recall: number;
    readonly k_density_coverage: number;
    readonly is_splits: number;
    readonly real_test: number;
  };
  readonly notes: readonly string[];
  readonly timings_s: Readonly<Record<string, number>>;
}

/** Everything that does not depend on the samples (build once, evaluate many times). */
export interface EvalContext {
  readonly datasetName: string;
  readonly train: Dataset;
  readonly test: Dataset;
  readonly evaluator: Evaluator;
  readonly testFeatures: Features;
  /** Mean and covariance of the test features (the real side of every FID). */
  readonly testStats: GaussianStats;
  /** Indices into `train` of the memorization reference, and their features. */
  readonly memIndex: Uint32Array;
  readonly memFeatures: Features;
  /**
   * Training images not in the memorization reference, in a seeded order: the baseline draws from these
   * (empty when memorizationTrain = 0; the baseline then draws from the reference and has no memorization score).
   */
  readonly spareIndex: Uint32Array;
  readonly notes: string[];
  readonly seconds: number;
  /** Indices into `test` of the memorization check's test reference. */
  readonly memTestIndex: Uint32Array;
  /** Baselines computed so far, by n and settings. */
  readonly baselines: Map<string, SetScores>;
  /** Folder of the cached evaluator, where baselines are cached too (null: not cached). */
  readonly cacheDir: string | null;
}

/** The train and test splits of a dataset (a seeded 10 % held out when it has no splits). */
export async function loadSplits(spec: DatasetSpec): Promise<{ train: Dataset; test: Dataset; heldOut: boolean }> {
  const train = await loadDataset({ ...spec, split: 'train' });
  if (train.split === 'train') return { train, test: await loadDataset({ ...spec, split: 'test' }), heldOut: false };
  const parts = holdOut(train);
  return { ...parts, heldOut: true };
}

export async function prepareEvaluation(spec: DatasetSpec, options: PrepareOptions = {}): Promise<EvalContext> {
  const t0 = performance.now();
  const { train, test, heldOut } = await loadSplits(spec);
  const notes: string[] = [];
  if (heldOut) {
    notes.push(
      `${spec.dataset} has no test split: a seeded 10 % (${fmtCount(test.count)} images) is held out as the real reference ` +
        `and the evaluator is trained on the rest`,
    );
  }
  const evaluator = options.evaluatorInstance ?? (await getEvaluator(train, test, options.evaluator ?? {}));
  if (evaluator.meta.kind === 'autoencoder') {
    notes.push(
      `${spec.dataset} has no labels: features are the bottleneck of a self-supervised conv autoencoder trained on it ` +
        `(no Inception Score, class histogram or class coverage)`,
    );
  }
  const seed = options.seed ?? EVAL_DEFAULTS.seed;
  const want = options.memorizationTrain ?? EVAL_DEFAULTS.memorizationTrain;
  const perm = new Rng(seed + 101).permutation(train.count);
  // Unless all are asked for, some training images stay out of the memorization reference for the baseline
  // (real images that are not in the reference, so its near-copy share shows the ~1 % a non-copier gets).
  const reserve = Math.min(10_000, Math.floor(train.count / 2));
  const memCount = want === 0 ? train.count : Math.min(want, train.count - reserve);
  const memIndex = perm.subarray(0, memCount);
  const spareIndex = perm.subarray(memCount);
  const memImages = pickImages(train, memIndex);
  const testFeatures = evaluator.embed(test.pixels, test.count).features;
  const memFeatures = evaluator.embed(memImages, memCount).features;
  if (memCount < train.count) {
    notes.push(
      `memorization: nearest neighbours among a seeded subset of ${fmtCount(memCount)} of the ${fmtCount(train.count)} ` +
        `training images (memorizationTrain = 0 searches all)`,
    );
  }
  const memTestIndex = new Rng(seed + 303).permutation(test.count).subarray(0, Math.min(test.count, EVAL_DEFAULTS.memorizationTest));
  const cached = !options.evaluatorInstance && !options.evaluator?.noCache;
  return {
    datasetName: spec.dataset,
    train,
    test,
    evaluator,
    testFeatures,
    testStats: gaussianStats(testFeatures, 'test features'),
    memIndex,
    memFeatures,
    spareIndex,
    notes,
    memTestIndex,
    seconds: (performance.now() - t0) / 1000,
    baselines: new Map(),
    cacheDir: cached ? evaluatorDir(evaluator.meta.key) : null,
  };
}

/** Score images against a prepared context (see the header for the steps). */
export function evaluateWith(ctx: EvalContext, samples: Images, options: EvalOptions = {}): EvalReport {
  const t0 = performance.now();
  const opts = {
    kidSubsets: options.kidSubsets ?? EVAL_DEFAULTS.kidSubsets,
    kidSubsetSize: options.kidSubsetSize ?? EVAL_DEFAULTS.kidSubsetSize,
    seed: options.seed ?? EVAL_DEFAULTS.seed,
    space: options.memorizationSpace ?? ('features' as const),
    closest: options.closest ?? EVAL_DEFAULTS.closest,
  };
  const { evaluator: ev, test } = ctx;
  checkImages(samples, ctx);
  const n = samples.count;
  if (n < 2) throw new GenforgeError(ERROR_CODES.BAD_NUMERIC_INPUT, `evaluation needs at least 2 samples, found ${n}`);
  const notes = [...ctx.notes];

  // 1. Features.
  const emb = ev.embed(samples.pixels, n);
  const tFeatures = performance.now();
  const realN = Math.min(n, test.count);
  if (n > test.count) {
    notes.push(`PRDC uses all ${fmtCount(test.count)} test images against ${fmtCount(n)} samples`);
  }
  const testSubset = new Rng(opts.seed + 202).permutation(test.count).subarray(0, realN);

  // 2–5. Scores of the samples.
  const mem = memorizationOf(ctx, emb.features, samples.pixels, n, opts.space, opts.closest);
  const scores = scoreSet(ctx, emb, testSubset, opts, mem);
  const tScores = performance.now();

  let agreement: ReturnType<typeof labelAgreement> | null = null;
  if (options.requestedLabels !== undefined) {
    if (!emb.probs) {
      notes.push('label agreement needs a classifier evaluator; this dataset has no labels');
    } else {
      agreement = labelAgreement(argmaxRows(emb.probs), options.requestedLabels, emb.probs.d);
    }
  }

  // 6. Baseline: n real training images (not in the memorization reference) scored the same way.
  let baseline: EvalReport['baseline'] = null;
  if (options.baseline ?? true) {
    const spare = ctx.spareIndex.length >= 2;
    const bn = Math.min(n, spare ? ctx.spareIndex.length : ctx.train.count);
    const key = JSON.stringify([bn, opts, ctx.memIndex.length, ctx.memTestIndex.length, EVAL_REPORT_VERSION]);
    const file = ctx.cacheDir ? join(ctx.cacheDir, `baseline-${createHash('sha256').update(key).digest('hex').slice(0, 16)}.json`) : null;
    let b = ctx.baselines.get(key);
    if (!b && file) {
      b = readBaseline(file, key);
      if (b) notes.push(`baseline read from ${file} (computed earlier with the same evaluator and settings)`);
    }
    if (!b) {
      const idx = spare ? ctx.spareIndex.subarray(0, bn) : ctx.memIndex.subarray(0, bn);
      const px = pickImages(ctx.train, idx);
      const bEmb = ev.embed(px, bn);
      const bMem = spare ? memorizationOf(ctx, bEmb.features, px, bn, opts.space, 0) : null;
      b = scoreSet(ctx, bEmb, testSubset, opts, bMem);
      if (file) writeFileAtomic(file, JSON.stringify({ key, scores: b }) + '\n');
      if (bn < n) notes.push(`baseline: only ${fmtCount(bn)} real training images outside the memorization reference`);
    }
    ctx.baselines.set(key, b);
    baseline = { what: `${fmtCount(b.n)} real training images vs the test split`, ...b };
  }
  const tEnd = performance.now();

  const m = ev.meta;
  return {
    format: 'genforge-eval',
    version: EVAL_REPORT_VERSION,
    toolkitVersion: TOOLKIT_VERSION,
    createdAt: new Date().toISOString(),
    dataset: ctx.datasetName,
    source: { kind: 'samples', path: null },
    evaluator: {
      kind: m.kind,
      description: describeEvaluator(m),
      dir: evaluatorDir(m.key),
      test_accuracy: m.testAccuracy,
      feature_dim: m.featureDim,
    },
    ...scores,
    class_names: m.classNames,
    label_agreement: agreement ? agreement.agreement : null,
    label_agreement_per_class: agreement ? agreement.perClass.map((v) => (Number.isNaN(v) ? null : v)) : null,
    memorization: {
      space: opts.space,
      train_searched: ctx.memIndex.length,
      train_total: ctx.train.count,
      percentile: mem.percentile,
      threshold: mem.threshold,
      near_copies: mem.nearCopies,
      near_copy_share: mem.nearCopyShare,
      median_generated_to_train: mem.medianGeneratedToTrain,
      median_test_to_train: mem.medianTestToTrain,
      ratio: mem.ratio,
      closest: mem.closest.map((p) => ({ generated: p.generated, train: ctx.memIndex[p.train]!, distance: p.distance })),
    },
    baseline,
    settings: {
      kid_subsets: opts.kidSubsets,
      kid_subset_size: opts.kidSubsetSize,
      seed: opts.seed,
      k_precision_recall: PRDC_DEFAULTS.kPrecisionRecall,
      k_density_coverage: PRDC_DEFAULTS.kDensityCoverage,
      is_splits: EVAL_DEFAULTS.isSplits,
      real_test: test.count,
    },
    notes,
    timings_s: {
      prepare: round(ctx.seconds),
      features: round((tFeatures - t0) / 1000),
      metrics: round((tScores - tFeatures) / 1000),
      baseline: round((tEnd - tScores) / 1000),
    },
  };
}

interface ResolvedOpts {
  readonly kidSubsets: number;
  readonly kidSubsetSize: number;
  readonly seed: number;
}

function scoreSet(
  ctx: EvalContext,
  emb: { features: Features; probs: Features | null },
  testSubset: Uint32Array,
  opts: ResolvedOpts,
  mem: ReturnType<typeof memorization> | null,
): SetScores {
  const f = emb.features;
  const realSub = selectRows(ctx.testFeatures, testSubset);
  const k = kid(ctx.testFeatures, f, { subsets: opts.kidSubsets, subsetSize: opts.kidSubsetSize, seed: opts.seed });
  const p = prdc(realSub, f);
  let is: ReturnType<typeof inceptionScore> | null = null;
  let cov: ReturnType<typeof classCoverage> | null = null;
  if (emb.probs) {
    is = inceptionScore(emb.probs, { splits: Math.min(EVAL_DEFAULTS.isSplits, f.n) });
    cov = classCoverage(argmaxRows(emb.probs), emb.probs.d);
  }
  return {
    n: f.n,
    fid: fidFromStats(ctx.testStats, gaussianStats(f, 'sample features')).fid,
    kid: k.mean,
    kid_std: k.std,
    precision: p.precision,
    recall: p.recall,
    density: p.density,
    coverage: p.coverage,
    inception_score: is ? is.mean : null,
    inception_score_std: is ? is.std : null,
    classes_covered: cov ? cov.covered : null,
    class_histogram: cov ? cov.counts : null,
    missing_classes: cov ? cov.missing : null,
    near_copy_share: mem ? mem.nearCopyShare : null,
    nn_distance_ratio: mem ? mem.ratio : null,
  };
}

function memorizationOf(
  ctx: EvalContext,
  features: Features,
  pixels: Uint8Array,
  n: number,
  space: 'features' | 'pixels',
  closest: number,
): ReturnType<typeof memorization> {
  // The reference: a fixed seeded subset of test images, as many as the samples (2,000 to 5,000).
  const testIdx = ctx.memTestIndex.subarray(0, Math.max(n, 2000));
  if (space === 'features') {
    return memorization(features, ctx.memFeatures, selectRows(ctx.testFeatures, testIdx), { closest });
  }
  return memorization(
    pixelFeatures(pixels, n),
    pixelFeatures(pickImages(ctx.train, ctx.memIndex), ctx.memIndex.length),
    pixelFeatures(pickImages(ctx.test, testIdx), testIdx.length),
    { closest },
  );
}

/** Images as rows of pixel values in [0, 1]. */
function pixelFeatures(pixels: Uint8Array, n: number): Features {
  const d = pixels.length / n;
  const data = new Float64Array(pixels.length);
  for (let k = 0; k < pixels.length; k++) data[k] = pixels[k]! / 255;
  return { n, d, data };
}

/** The images at `idx`, copied into one contiguous [idx.length, H, W, C] buffer. */
export function pickImages(ds: Images, idx: ArrayLike<number>): Uint8Array {
  const size = ds.height * ds.width * ds.channels;
  const out = new Uint8Array(idx.length * size);
  for (let r = 0; r < idx.length; r++) out.set(ds.pixels.subarray(idx[r]! * size, (idx[r]! + 1) * size), r * size);
  return out;
}

function checkImages(samples: Images, ctx: EvalContext): void {
  const { height: h, width: w, channels: c } = ctx.evaluator.meta;
  if (samples.height !== h || samples.width !== w || samples.channels !== c) {
    throw new GenforgeError(
      ERROR_CODES.DATA_MISMATCH,
      `the samples are ${samples.height}×${samples.width}×${samples.channels} images but ${ctx.datasetName} ` +
        `is ${h}×${w}×${c}; evaluate samples against the dataset the model was trained on`,
    );
  }
  if (samples.pixels.length !== samples.count * h * w * c) {
    throw new GenforgeError(
      ERROR_CODES.DATA_MISMATCH,
      `${fmtCount(samples.pixels.length)} sample bytes are not ${fmtCount(samples.count)} images of ${h}×${w}×${c}`,
    );
  }
}

function readBaseline(file: string, key: string): SetScores | undefined {
  try {
    const rec = JSON.parse(readFileSync(file, 'utf8')) as { key: string; scores: SetScores };
    return rec.key === key ? rec.scores : undefined;
  } catch {
    return undefined;
  }
}

function round(s: number): number {
  return Math.round(s * 100) / 100;
}

/** Prepare and evaluate in one call (`genforge eval --samples`). */
export async function evaluateSamples(
  samples: Images,
  spec: DatasetSpec,
  options: EvalOptions & PrepareOptions = {},
): Promise<EvalReport> {
  return evaluateWith(await prepareEvaluation(spec, options), samples, options);
}

/** The dataset spec a run was trained on (from its run.json). */
export function runDatasetSpec(cfg: { dataset: string; labels?: string | undefined; imageSize?: number | undefined; channels?: 1 | 3 | undefined }): DatasetSpec {
  return {
    dataset: cfg.dataset,
    ...(cfg.labels !== undefined ? { labels: cfg.labels } : {}),
    ...(cfg.imageSize !== undefined ? { imageSize: cfg.imageSize } : {}),
    ...(cfg.channels !== undefined ? { channels: cfg.channels } : {}),
  };
}

export interface RunEvaluation {
  readonly report: EvalReport;
  readonly samples: Images;
  readonly context: EvalContext;
}

/** Sample `n` images (default 10,000) from a run's newest checkpoint and evaluate them. */
export async function evaluateRun(
  runDir: string,
  n: number = EVAL_DEFAULTS.runSamples,
  options: EvalOptions & PrepareOptions = {},
): Promise<RunEvaluation> {
  if (!existsSync(runDir)) {
    throw new GenforgeError(ERROR_CODES.BAD_RUN, `--run ${runDir}: no such folder; pass a run folder written by genforge train`);
  }
  const run = await loadRun(runDir);
  const t0 = performance.now();
  const { height, width, channels } = run.info.model;
  const pixels = sampleImages(run, n, options.seed ?? EVAL_DEFAULTS.seed);
  const sampleSeconds = (performance.now() - t0) / 1000;
  run.generator.dispose();
  run.discriminator.dispose();
  const samples: Images = { pixels, count: n, height, width, channels };
  const context = await prepareEvaluation(runDatasetSpec(run.info.config), options);
  const r = evaluateWith(context, samples, options);
  const report: EvalReport = {
    ...r,
    source: { kind: 'run', path: runDir, step: run.step },
    timings_s: { sample: round(sampleSeconds), ...r.timings_s },
  };
  return { report, samples, context };
}

/**
 * The `evaluate` hook of train(): n samples (default 2,000) from fixed latent codes, scored against a
 * context prepared once. Returns the flat record appended to eval-history.jsonl.
 */
export function trainingEvaluator(
  ctx: EvalContext,
  latentDim: number,
  options: EvalOptions & { n?: number } = {},
): (generator: tf.LayersModel, step: number) => Promise<Record<string, number> & { fid: number }> {
  const n = options.n ?? EVAL_DEFAULTS.trainingSamples;
  const codes = latentCodes(n, latentDim, (options.seed ?? 0) + 4242);
  return async (generator) => {
    const t0 = performance.now();
    const [, h, w, c] = generator.outputs[0]!.shape as number[];
    const pixels = generateImages(generator, codes, latentDim);
    const r = evaluateWith(ctx, { pixels, count: n, height: h!, width: w!, channels: c! }, {
      kidSubsets: EVAL_DEFAULTS.trainingKidSubsets,
      ...options,
      baseline: false,
    });
    const rec: Record<string, number> & { fid: number } = {
      fid: r.fid,
      kid: r.kid,
      kid_std: r.kid_std,
      precision: r.precision,
      recall: r.recall,
      density: r.density,
      coverage: r.coverage,
      n,
      seconds: round((performance.now() - t0) / 1000),
    };
    if (r.inception_score !== null) rec.inception_score = r.inception_score;
    if (r.classes_covered !== null) rec.classes_covered = r.classes_covered;
    if (r.near_copy_share !== null) rec.near_copy_share = r.near_copy_share;
    return rec;
  };
}

/** FID, KID and PRDC of two precomputed feature sets (`genforge eval --features-real A --features-fake B`). */
export function evaluateFeatures(
  real: Features,
  fake: Features,
  options: Pick<EvalOptions, 'kidSubsets' | 'kidSubsetSize' | 'seed'> & { realPath?: string; fakePath?: string } = {},
): EvalReport {
  const t0 = performance.now();
  const kidSubsets = options.kidSubsets ?? EVAL_DEFAULTS.kidSubsets;
  const kidSubsetSize = options.kidSubsetSize ?? EVAL_DEFAULTS.kidSubsetSize;
  const seed = options.seed ?? EVAL_DEFAULTS.seed;
  if (real.d !== fake.d) {
    throw new GenforgeError(
      ERROR_CODES.BAD_NUMERIC_INPUT,
      `--features-real ${options.realPath ?? ''} has ${real.d} columns but --features-fake ${options.fakePath ?? ''} has ` +
        `${fake.d}; both files must come from the same feature extractor`,
    );
  }
  const notes: string[] = [];
  const f = fid(real, fake).fid;
  const k = kid(real, fake, { subsets: kidSubsets, subsetSize: kidSubsetSize, seed });
  const p = prdc(real, fake);
  if (real.n !== fake.n) notes.push(`PRDC on sets of different sizes (${fmtCount(real.n)} real, ${fmtCount(fake.n)} fake)`);
  return {
    format: 'genforge-eval',
    version: EVAL_REPORT_VERSION,
    toolkitVersion: TOOLKIT_VERSION,
    createdAt: new Date().toISOString(),
    dataset: options.realPath ?? 'features',
    source: { kind: 'features', path: options.fakePath ?? null },
    evaluator: null,
    n: fake.n,
    fid: f,
    kid: k.mean,
    kid_std: k.std,
    precision: p.precision,
    recall: p.recall,
    density: p.density,
    coverage: p.coverage,
    inception_score: null,
    inception_score_std: null,
    classes_covered: null,
    class_histogram: null,
    missing_classes: null,
    near_copy_share: null,
    nn_distance_ratio: null,
    class_names: null,
    label_agreement: null,
    label_agreement_per_class: null,
    memorization: null,
    baseline: null,
    settings: {
      kid_subsets: kidSubsets,
      kid_subset_size: kidSubsetSize,
      seed,
      k_precision_recall: PRDC_DEFAULTS.kPrecisionRecall,
      k_density_coverage: PRDC_DEFAULTS.kDensityCoverage,
      is_splits: EVAL_DEFAULTS.isSplits,
      real_test: real.n,
    },
    notes,
    timings_s: { metrics: round((performance.now() - t0) / 1000) },
  };
}

/** Where a run's eval files go. */
export function runEvalPaths(runDir: string): { json: string; html: string } {
  return { json: join(runDir, 'eval.json'), html: join(runDir, 'eval.html') };
}
