/** `genforge eval`: score a run, a set of sample images, or two precomputed feature files. */
import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import sharp from 'sharp';
import { ERROR_CODES, GenforgeError, fmtCount } from '../errors.js';
import { log } from '../log.js';
import { announceBackend, initBackend, type BackendName } from '../backend/index.js';
import { listImageFolder, loadFolderDataset, loadIdxDataset, readIdx, type Dataset, type DatasetSpec } from '../data/index.js';
import { readFeatures } from '../eval/features-io.js';
import { getEvaluator, describeEvaluator } from '../eval/evaluator.js';
import {
  evaluateFeatures,
  evaluateRun,
  evaluateWith,
  loadSplits,
  prepareEvaluation,
  type EvalOptions,
  type EvalReport,
  type PrepareOptions,
} from '../eval/evaluate.js';
import { formatTable, writeRunEval } from '../eval/report.js';

function evalOptions(opts: Record<string, unknown>): EvalOptions & PrepareOptions {
  const o: Record<string, unknown> = {};
  if (opts.kidSubsets !== undefined) o.kidSubsets = opts.kidSubsets;
  if (opts.kidSubsetSize !== undefined) o.kidSubsetSize = opts.kidSubsetSize;
  if (opts.seed !== undefined) o.seed = opts.seed;
  if (opts.memorizationTrain !== undefined) o.memorizationTrain = opts.memorizationTrain;
  if (opts.memorizationSpace !== undefined) o.memorizationSpace = opts.memorizationSpace;
  if (opts.trainEvaluator) o.evaluator = { retrain: true };
  return o as EvalOptions & PrepareOptions;
}

/** Exactly one of the three inputs, with the flags that go with it. */
function mode(opts: Record<string, unknown>): 'run' | 'samples' | 'features' | 'train-evaluator' {
  const given = [opts.run !== undefined && '--run', opts.samples !== undefined && '--samples', (opts.featuresReal !== undefined || opts.featuresFake !== undefined) && '--features-real/--features-fake'].filter(Boolean) as string[];
  if (given.length > 1) throw new GenforgeError(ERROR_CODES.BAD_CONFIG, `${given.join(' and ')} are different inputs: give only one of them`);
  if (given.length === 0) {
    if (opts.trainEvaluator && opts.dataset !== undefined) return 'train-evaluator';
    throw new GenforgeError(
      ERROR_CODES.BAD_CONFIG,
      'nothing to evaluate: give --run DIR, --samples FILE_OR_FOLDER --dataset NAME, or --features-real A --features-fake B (or --train-evaluator --dataset NAME)',
    );
  }
  if (opts.featuresReal !== undefined || opts.featuresFake !== undefined) {
    if (opts.featuresReal === undefined || opts.featuresFake === undefined) {
      throw new GenforgeError(ERROR_CODES.BAD_CONFIG, `${opts.featuresReal === undefined ? '--features-real' : '--features-fake'} is missing: feature files come in pairs (--features-real A --features-fake B)`);
    }
    return 'features';
  }
  if (opts.samples !== undefined && opts.dataset === undefined) {
    throw new GenforgeError(ERROR_CODES.BAD_CONFIG, `--samples ${String(opts.samples)} needs --dataset: the real data to compare with (e.g. --dataset mnist)`);
  }
  if (opts.run !== undefined && opts.dataset !== undefined) {
    throw new GenforgeError(ERROR_CODES.BAD_CONFIG, '--dataset cannot be used with --run: the run is scored against the dataset it was trained on');
  }
  if (opts.n !== undefined && opts.run === undefined) throw new GenforgeError(ERROR_CODES.BAD_CONFIG, '--n is for --run (how many samples to draw); --samples are scored as they are');
  return opts.run !== undefined ? 'run' : 'samples';
}

/** --samples: an IDX file or a folder of PNG/JPEG images, which must have the dataset's image size. */
async function loadSamples(path: string, shape: { height: number; width: number; channels: number }): Promise<Dataset> {
  if (!existsSync(path)) throw new GenforgeError(ERROR_CODES.DATASET_NOT_FOUND, `--samples ${path}: no such file or folder`);
  const { height: h, width: w, channels: c } = shape;
  if (!statSync(path).isDirectory()) {
    const ds = loadIdxDataset(path);
    if (ds.height !== h || ds.width !== w || ds.channels !== c) {
      throw new GenforgeError(
        ERROR_CODES.DATA_MISMATCH,
        `--samples ${path}: the images are ${ds.height}×${ds.width}×${ds.channels} but the dataset's are ${h}×${w}×${c}; ` +
          'generate the samples at the size of the dataset the model was trained on',
      );
    }
    return ds;
  }
  const { files } = listImageFolder(path);
  for (let i = 0; i < files.length; i += 32) {
    const metas = await Promise.all(files.slice(i, i + 32).map((f) => sharp(f).metadata().catch(() => null)));
    metas.forEach((m, k) => {
      if (m && (m.width !== w || m.height !== h)) {
        throw new GenforgeError(
          ERROR_CODES.DATA_MISMATCH,
          `--samples ${path}: ${files[i + k]} is ${m.height}×${m.width} pixels but the dataset's images are ${h}×${w}; ` +
            'generate the samples at the size of the dataset the model was trained on',
        );
      }
    });
  }
  return loadFolderDataset(path, { imageSize: h, channels: c as 1 | 3 });
}

function datasetSpec(opts: Record<string, unknown>): DatasetSpec {
  return {
    dataset: opts.dataset as string,
    ...(opts.labels !== undefined ? { labels: opts.labels as string } : {}),
    ...(opts.imageSize !== undefined ? { imageSize: opts.imageSize as number } : {}),
    ...(opts.channels !== undefined ? { channels: Number(opts.channels) as 1 | 3 } : {}),
  };
}

function print(report: EvalReport, json: boolean): void {
  const table = formatTable(report);
  if (json) {
    log.info(table);
    process.stdout.write(JSON.stringify(report) + '\n');
  } else {
    process.stdout.write(table + '\n');
  }
}

export default async function evalCommand(opts: Record<string, unknown>, _cmd: Command): Promise<number> {
  const which = mode(opts);
  const json = Boolean(opts.json);
  const options = evalOptions(opts);

  // 1. Feature files need no backend and no evaluator.
  if (which === 'features') {
    const realPath = opts.featuresReal as string;
    const fakePath = opts.featuresFake as string;
    const real = await readFeatures(realPath);
    const fake = await readFeatures(fakePath);
    print(evaluateFeatures(real, fake, { ...options, realPath, fakePath }), json);
    return 0;
  }

  const backend = await initBackend((opts.backend as BackendName | undefined) ?? 'auto');
  announceBackend(backend);
  const t0 = performance.now();

  // 2. Only (re)train the evaluator.
  if (which === 'train-evaluator') {
    const { train, test } = await loadSplits(datasetSpec(opts));
    const ev = await getEvaluator(train, test, { retrain: true });
    process.stdout.write(`${describeEvaluator(ev.meta)}, trained in ${ev.meta.trainSeconds.toFixed(1)} s\n`);
    return 0;
  }

  // 3. A run: sample, score, write eval.json and eval.html.
  if (which === 'run') {
    const dir = opts.run as string;
    const n = (opts.n as number | undefined) ?? 10_000;
    log.info(`sampling ${fmtCount(n)} images from ${dir} and scoring them`);
    const ev = await evaluateRun(dir, n, options);
    const files = await writeRunEval(dir, ev);
    print(ev.report, json);
    log.info(`eval: ${files.json}, ${files.html} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    return 0;
  }

  // 4. Sample images against a dataset.
  const samplesPath = opts.samples as string;
  if (!existsSync(samplesPath)) throw new GenforgeError(ERROR_CODES.DATASET_NOT_FOUND, `--samples ${samplesPath}: no such file or folder`);
  const spec = datasetSpec(opts);
  const ctx = await prepareEvaluation(spec, options);
  const samples = await loadSamples(samplesPath, ctx.evaluator.meta);
  let requestedLabels: Uint8Array | undefined;
  if (opts.sampleLabels !== undefined) {
    const lab = readIdx(opts.sampleLabels as string, { role: 'labels' });
    if (lab.data.length !== samples.count) {
      throw new GenforgeError(ERROR_CODES.DATA_MISMATCH, `--sample-labels ${String(opts.sampleLabels)} has ${fmtCount(lab.data.length)} labels but --samples ${samplesPath} has ${fmtCount(samples.count)} images; give one label per sample`);
    }
    requestedLabels = Uint8Array.from(lab.data as ArrayLike<number>);
  }
  const r = evaluateWith(ctx, samples, { ...options, ...(requestedLabels ? { requestedLabels } : {}) });
  print({ ...r, source: { kind: 'samples', path: samplesPath } }, json);
  log.info(`scored ${fmtCount(samples.count)} samples in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return 0;
}
