/**
 * The generic trainer: owns the loop, the schedule, checkpoints, samples, the metrics log and callbacks.
 * What a model family trains with is its step function (here the GAN objective of gan-step.ts).
 *
 * Reproducibility: initial weights come from the seed; the data order of epoch e is a permutation drawn from
 * a generator seeded by (seed, e); latent noise comes from one generator whose state is checkpointed. So a
 * run resumed from a checkpoint draws exactly what the uninterrupted run would, and the same seed on the
 * same backend gives the same weights.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, copyFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { GenforgeError, ERROR_CODES } from '../errors.js';
import { log } from '../log.js';
import type { TrainConfig } from '../config.js';
import type { Dataset } from '../data/types.js';
import { scaledBatch } from '../data/types.js';
import { buildModels } from '../models/index.js';
import type { GanModels, ModelConfig } from '../models/types.js';
import { Rng } from '../util/rng.js';
import { writeFileAtomic, fsyncDir } from '../util/atomic.js';
import { saveModel } from './model-io.js';
import { Adam } from './adam.js';
import { ganTrainStep, trainableVariables, type GanStepMetrics } from './gan-step.js';
import {
  CHECKPOINT_DIR,
  cleanPartialCheckpoints,
  loadLatestCheckpoint,
  readOptimizerState,
  saveCheckpoint,
  setAsideDamagedCheckpoints,
} from './checkpoint.js';
import { generateImages, gridPng, latentCodes } from './samples.js';
import { curvesHtml, curvesPng, curvesSvg, type CurvePoint } from './curves.js';
import { describeDatasetForRun, readRunInfo, writeRunInfo, type RunInfo } from './run.js';
import { RUN_FORMAT_VERSION, TOOLKIT_VERSION } from '../version.js';

export interface StepRecord extends GanStepMetrics {
  /** Steps completed (1-based). */
  readonly step: number;
  readonly epoch: number;
  readonly totalSteps: number;
  /** Seconds since training (or this resumed part of it) started. */
  readonly elapsed: number;
}

export interface TrainCallbacks {
  onStart?(info: { startStep: number; totalSteps: number; stepsPerEpoch: number; run: RunInfo }): void;
  onStep?(r: StepRecord): void;
  onSample?(path: string, step: number): void;
  onCheckpoint?(dir: string, step: number): void;
}

export interface TrainRequest {
  readonly config: TrainConfig;
  readonly dataset: Dataset;
  readonly outDir: string;
  /** Continue the run in outDir from its newest checkpoint up to the config's budget. */
  readonly resume?: boolean;
  /** When aborted, the trainer saves a checkpoint after the current step and returns. */
  readonly signal?: AbortSignal;
  readonly callbacks?: TrainCallbacks;
  /**
   * Scores the generator (lower is better, e.g. FID), called at the end of every `config.evalEvery`-th
   * epoch and at the end of training. The best-scoring generator is kept in checkpoints/best/.
   */
  readonly evaluate?: (generator: tf.LayersModel, step: number) => Promise<EvalRecord>;
}

export interface EvalRecord {
  /** The score that decides the best checkpoint (lower is better). */
  readonly fid: number;
  readonly [metric: string]: number;
}

export interface TrainResult {
  readonly outDir: string;
  readonly step: number;
  readonly totalSteps: number;
  readonly interrupted: boolean;
  readonly last: StepRecord | null;
  readonly samplesPath: string | null;
  readonly curvesPath: string;
}

export const METRICS_FILE = 'metrics.jsonl';
export const EVAL_FILE = 'eval-history.jsonl';
export const BEST_DIR = 'best';

/** The best generator so far by FID: checkpoints/best/{model.json,weights.bin,best.json}. */
function readBest(runDir: string): { step: number; fid: number } | null {
  try {
    return JSON.parse(readFileSync(join(runDir, CHECKPOINT_DIR, BEST_DIR, 'best.json'), 'utf8')) as { step: number; fid: number };
  } catch {
    return null;
  }
}

async function saveBest(runDir: string, generator: tf.LayersModel, best: { step: number; fid: number }): Promise<void> {
  const root = join(runDir, CHECKPOINT_DIR);
  const tmp = join(root, `.partial-best-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  await saveModel(generator, tmp);
  writeFileAtomic(join(tmp, 'best.json'), JSON.stringify(best));
  const old = join(root, `.old-best-${process.pid}`);
  const final = join(root, BEST_DIR);
  if (existsSync(final)) renameSync(final, old);
  renameSync(tmp, final);
  fsyncDir(root);
  rmSync(old, { recursive: true, force: true });
}
export const SAMPLE_GRID_SIZE = 64;

export function stepsPerEpoch(count: number, batchSize: number): number {
  return Math.ceil(count / batchSize);
}

export function totalStepsFor(cfg: TrainConfig, count: number): number {
  return cfg.steps ?? (cfg.epochs ?? 1) * stepsPerEpoch(count, cfg.batchSize);
}

export function modelConfigFor(cfg: TrainConfig, ds: Dataset): ModelConfig {
  return { family: cfg.model, latentDim: cfg.latentDim, height: ds.height, width: ds.width, channels: ds.channels };
}

/** The data order of one epoch: a permutation seeded by (seed, epoch). */
export function epochOrder(seed: number, epoch: number, count: number): Uint32Array {
  return new Rng((Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca77)) >>> 0).permutation(count);
}

/** Metrics lines of a run with step ≤ maxStep; a torn last line (killed mid-write) is dropped. */
export function readMetrics(dir: string, maxStep = Infinity): CurvePoint[] {
  return readStepLines<CurvePoint>(join(dir, METRICS_FILE), maxStep);
}

/** The records of a JSON-lines log with step ≤ maxStep; a torn last line (killed mid-write) is dropped. */
function readStepLines<T extends { step: number }>(path: string, maxStep: number): T[] {
  if (!existsSync(path)) return [];
  const out: T[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const rec = JSON.parse(line) as T;
      if (typeof rec.step === 'number' && rec.step <= maxStep) out.push(rec);
    } catch {
      // A line cut short by a kill: ignore it.
    }
  }
  return out;
}

/** Keep only the records of a log up to `maxStep`: steps after a checkpoint are trained again on resume. */
function truncateStepLines(path: string, maxStep: number): void {
  if (!existsSync(path)) return;
  writeFileAtomic(path, readStepLines(path, maxStep).map((r) => JSON.stringify(r) + '\n').join(''));
}

async function writeCurves(dir: string, title: string): Promise<string> {
  const svg = curvesSvg(readMetrics(dir), title);
  writeFileAtomic(join(dir, 'curves.svg'), svg);
  writeFileAtomic(join(dir, 'curves.html'), curvesHtml(svg, title));
  writeFileAtomic(join(dir, 'curves.png'), await curvesPng(svg));
  return join(dir, 'curves.html');
}

function isEmptyDir(dir: string): boolean {
  if (!existsSync(dir)) return true;
  if (!statSync(dir).isDirectory()) {
    throw new GenforgeError(ERROR_CODES.BAD_OUTPUT, `--out ${dir}: is a file, not a folder; choose a folder path for the run`);
  }
  return readdirSync(dir).length === 0;
}

export async function train(req: TrainRequest): Promise<TrainResult> {
  const { config: cfg, dataset: ds, outDir } = req;
  const cb = req.callbacks ?? {};
  const spe = stepsPerEpoch(ds.count, cfg.batchSize);
  const totalSteps = totalStepsFor(cfg, ds.count);
  const modelCfg = modelConfigFor(cfg, ds);

  // 1. Models, optimizers and random state: fresh, or from the newest checkpoint.
  let models: GanModels;
  let startStep = 0;
  let noise: Rng;
  let run: RunInfo;
  const adamCfg = { lr: cfg.lr, beta1: cfg.beta1, beta2: cfg.beta2, epsilon: cfg.epsilon };
  let opt: { generator: Adam; discriminator: Adam };
  if (req.resume) {
    const prev = readRunInfo(outDir);
    cleanPartialCheckpoints(outDir);
    setAsideDamagedCheckpoints(outDir);
    const ck = await loadLatestCheckpoint(outDir);
    models = ck.models;
    opt = {
      generator: new Adam(trainableVariables(models.generator), adamCfg),
      discriminator: new Adam(trainableVariables(models.discriminator), adamCfg),
    };
    const states = readOptimizerState(ck.dir, ck.state, opt);
    opt.generator.setState(states.generator);
    opt.discriminator.setState(states.discriminator);
    startStep = ck.state.step;
    if (startStep > totalSteps) {
      throw new GenforgeError(
        ERROR_CODES.BAD_CONFIG,
        `--resume ${outDir}: the run is already at step ${startStep}, past the budget of ${totalSteps} steps; give a larger --steps or --epochs`,
      );
    }
    noise = new Rng(ck.state.rng);
    run = { ...prev, config: cfg, totalSteps, backend: tf.getBackend() };
    // Metrics and evaluations logged after the checkpoint belong to steps that will be run again.
    truncateStepLines(join(outDir, METRICS_FILE), startStep);
    truncateStepLines(join(outDir, EVAL_FILE), startStep);
    log.info(`resuming ${outDir} at step ${startStep} of ${totalSteps}`);
  } else {
    if (!isEmptyDir(outDir)) {
      throw new GenforgeError(
        ERROR_CODES.BAD_OUTPUT,
        `--out ${outDir}: the folder exists and is not empty; continue that run with genforge train --resume ${outDir}, or choose another --out`,
      );
    }
    models = buildModels(modelCfg, cfg.seed);
    opt = {
      generator: new Adam(trainableVariables(models.generator), adamCfg),
      discriminator: new Adam(trainableVariables(models.discriminator), adamCfg),
    };
    noise = new Rng(cfg.seed).fork();
    run = {
      format: 'genforge-run',
      formatVersion: RUN_FORMAT_VERSION,
      toolkitVersion: TOOLKIT_VERSION,
      createdAt: new Date().toISOString(),
      config: cfg,
      model: modelCfg,
      dataset: describeDatasetForRun(ds),
      backend: tf.getBackend(),
      stepsPerEpoch: spe,
      totalSteps,
    };
    try {
      mkdirSync(outDir, { recursive: true });
    } catch (e) {
      throw new GenforgeError(ERROR_CODES.BAD_OUTPUT, `--out ${outDir}: cannot create the folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  writeRunInfo(outDir, run);
  mkdirSync(join(outDir, 'samples'), { recursive: true });
  cb.onStart?.({ startStep, totalSteps, stepsPerEpoch: spe, run });

  const fixedZ = latentCodes(SAMPLE_GRID_SIZE, cfg.latentDim, cfg.seed + 7777);
  const title = `${cfg.model} on ${ds.name}`;
  const [h, w, c] = [ds.height, ds.width, ds.channels];
  const writeSamples = async (step: number): Promise<string> => {
    const px = generateImages(models.generator, fixedZ, cfg.latentDim);
    const png = await gridPng(px, SAMPLE_GRID_SIZE, h, w, c, { cols: 8 });
    const path = join(outDir, 'samples', `step-${String(step).padStart(8, '0')}.png`);
    writeFileAtomic(path, png);
    writeFileAtomic(join(outDir, 'samples.png'), png);
    log.debug(`samples ${path}`);
    cb.onSample?.(path, step);
    return path;
  };

  let pending: string[] = [];
  const flushMetrics = () => {
    if (pending.length) appendFileSync(join(outDir, METRICS_FILE), pending.join(''));
    pending = [];
  };
  let best = readBest(outDir);
  const evaluate = async (step: number) => {
    if (!req.evaluate) return;
    const rec = await req.evaluate(models.generator, step);
    appendFileSync(join(outDir, EVAL_FILE), JSON.stringify({ step, ...rec }) + '\n');
    log.info(`step ${step}: FID ${rec.fid.toFixed(3)}${best ? ` (best so far ${best.fid.toFixed(3)} at step ${best.step})` : ''}`);
    if (!best || rec.fid < best.fid) {
      best = { step, fid: rec.fid };
      await saveBest(outDir, models.generator, best);
    }
  };
  const checkpoint = async (step: number) => {
    flushMetrics();
    const t = performance.now();
    const dir = await saveCheckpoint(outDir, step, models, opt, noise.state());
    log.debug(`checkpoint ${dir} (${(performance.now() - t).toFixed(0)} ms)`);
    cb.onCheckpoint?.(dir, step);
  };

  // 2. The loop.
  const t0 = performance.now();
  const batchBuf = new Float32Array(cfg.batchSize * h * w * c);
  const zBuf = new Float32Array(cfg.batchSize * cfg.latentDim);
  let order: Uint32Array | null = null;
  let orderEpoch = -1;
  let last: StepRecord | null = null;
  let samplesPath: string | null = null;
  let step = startStep;
  let interrupted = false;
  while (step < totalSteps) {
    // 2.1 The batch of this step: real images in the epoch's order, and fresh latent noise.
    const epoch = Math.floor(step / spe);
    if (epoch !== orderEpoch) {
      order = epochOrder(cfg.seed, epoch, ds.count);
      orderEpoch = epoch;
    }
    const from = (step % spe) * cfg.batchSize;
    const idx = order!.subarray(from, Math.min(from + cfg.batchSize, ds.count));
    const b = idx.length;
    const real = tf.tensor4d(scaledBatch(ds, idx, batchBuf.subarray(0, b * h * w * c)), [b, h, w, c]);
    const z = tf.tensor2d(noise.normal(zBuf.subarray(0, b * cfg.latentDim)), [b, cfg.latentDim]);

    // 2.2 One step of the objective.
    const m = ganTrainStep(models, opt, { real, z });
    real.dispose();
    z.dispose();
    step += 1;

    // 2.3 Log, sample, checkpoint.
    last = { ...m, step, epoch: epoch + 1, totalSteps, elapsed: (performance.now() - t0) / 1000 };
    pending.push(JSON.stringify({ step, epoch: epoch + 1, lossD: m.lossD, lossG: m.lossG, dReal: m.dReal, dFake: m.dFake }) + '\n');
    if (!Number.isFinite(m.lossD) || !Number.isFinite(m.lossG)) log.warn(`step ${step}: non-finite loss (L_D ${m.lossD}, L_G ${m.lossG})`);
    cb.onStep?.(last);
    if (step % cfg.logEvery === 0) flushMetrics();
    if (step % cfg.sampleEvery === 0 && step < totalSteps) samplesPath = await writeSamples(step);
    if (cfg.evalEvery && step % spe === 0 && (step / spe) % cfg.evalEvery === 0 && step < totalSteps) await evaluate(step);
    if (step % cfg.checkpointEvery === 0 && step < totalSteps) {
      await checkpoint(step);
      await writeCurves(outDir, title);
    }
    // Let signal handlers run between steps.
    await new Promise<void>((r) => setImmediate(r));
    if (req.signal?.aborted && step < totalSteps) {
      interrupted = true;
      break;
    }
  }

  // 3. Final checkpoint, samples and curves.
  if (step > startStep || !interrupted) await checkpoint(step);
  if (!interrupted && cfg.evalEvery && step > startStep) await evaluate(step);
  samplesPath = await writeSamples(step);
  const curvesPath = await writeCurves(outDir, title);
  if (!interrupted) copyFileSync(join(outDir, 'samples.png'), join(outDir, 'samples', 'final.png'));
  opt.generator.dispose();
  opt.discriminator.dispose();
  models.generator.dispose();
  models.discriminator.dispose();
  return { outDir, step, totalSteps, interrupted, last, samplesPath, curvesPath };
}
