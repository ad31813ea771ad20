/** `genforge train`: resolve the config, pick the backend, load the data, train, say where the files are. */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { GenforgeError, ERROR_CODES } from '../errors.js';
import { log } from '../log.js';
import { resolveTrainConfig, parseTrainConfig, flagName, TRAIN_CONFIG_KEYS, type TrainConfig } from '../config.js';
import { announceBackend, initBackend } from '../backend/index.js';
import { loadDataset } from '../data/index.js';
import { describeDataset } from '../data/types.js';
import { train, type TrainRequest } from '../train/trainer.js';
import { readRunInfo } from '../train/run.js';
import { createProgress } from './progress.js';

/** Settings a resumed run may change; everything else stays as the run was started. */
const RESUMABLE = new Set(['epochs', 'steps', 'sampleEvery', 'checkpointEvery', 'logEvery', 'evalEvery', 'backend']);

/** The config keys the user set on the command line (commander names options after the schema's keys). */
function flagsFrom(opts: Record<string, unknown>): Record<string, unknown> {
  const flags: Record<string, unknown> = {};
  for (const k of TRAIN_CONFIG_KEYS) if (opts[k] !== undefined) flags[k] = opts[k];
  if (opts.channels !== undefined) flags.channels = Number(opts.channels); // parsed as a choice string
  return flags;
}

function resumeConfig(dir: string, flags: Record<string, unknown>): TrainConfig {
  const prev = readRunInfo(dir);
  const fixed = Object.keys(flags).filter((k) => !RESUMABLE.has(k));
  if (fixed.length) {
    throw new GenforgeError(
      ERROR_CODES.BAD_CONFIG,
      `--resume ${dir}: ${fixed.map(flagName).join(', ')} cannot change when resuming (the run keeps the settings it started with); ` +
        `only ${[...RESUMABLE].map(flagName).join(', ')} can be given`,
    );
  }
  const merged: Record<string, unknown> = { ...prev.config, ...flags };
  if (flags.epochs !== undefined) delete merged.steps;
  if (flags.steps !== undefined) delete merged.epochs;
  return parseTrainConfig(merged, 'flags');
}

export default async function trainCommand(opts: Record<string, unknown>, _cmd: Command): Promise<number> {
  const flags = flagsFrom(opts);
  const resumeDir = opts.resume as string | undefined;
  if (resumeDir && opts.out !== undefined) {
    throw new GenforgeError(ERROR_CODES.BAD_CONFIG, '--resume and --out both name a run folder: give only --resume DIR');
  }
  if (resumeDir && opts.config !== undefined) {
    throw new GenforgeError(ERROR_CODES.BAD_CONFIG, '--config cannot be used with --resume: the run keeps the settings it started with');
  }
  const cfg = resumeDir ? resumeConfig(resumeDir, flags) : resolveTrainConfig(flags, opts.config as string | undefined);
  const outDir = resumeDir ?? (opts.out as string | undefined) ?? join('runs', `${cfg.dataset.replace(/[^a-zA-Z0-9_-]+/g, '_').replace(/^_+|_+$/g, '') || 'data'}-${cfg.model}`);

  // 1. Backend and data, before anything is written: a bad file never leaves a half-made run folder.
  const backend = await initBackend(cfg.backend);
  announceBackend(backend);
  const ds = await loadDataset({
    dataset: cfg.dataset,
    ...(cfg.labels !== undefined ? { labels: cfg.labels } : {}),
    ...(cfg.imageSize !== undefined ? { imageSize: cfg.imageSize } : {}),
    ...(cfg.channels !== undefined ? { channels: cfg.channels } : {}),
    strict: cfg.strict,
  });
  log.info(`data: ${describeDataset(ds)}`);
  const isFolder = !['mnist', 'fashion-mnist'].includes(cfg.dataset) && statSync(cfg.dataset).isDirectory();
  if (!isFolder && (cfg.imageSize !== undefined || cfg.channels !== undefined)) {
    log.warn(`--image-size/--channels apply to image folders only; ${cfg.dataset} keeps its ${ds.height}×${ds.width}×${ds.channels} images`);
  }
  if (cfg.batchSize > ds.count) {
    log.warn(`--batch-size ${cfg.batchSize} is larger than the dataset (${ds.count} images): each step uses all ${ds.count}`);
  }

  // 1b. With --eval-every, the evaluator and the real features are made ready before the first step.
  let evaluate: TrainRequest['evaluate'];
  if (cfg.evalEvery) {
    const { prepareEvaluation, runDatasetSpec, trainingEvaluator, EVAL_DEFAULTS } = await import('../eval/evaluate.js');
    const ctx = await prepareEvaluation(runDatasetSpec(cfg));
    evaluate = trainingEvaluator(ctx, cfg.latentDim);
    log.info(`eval: every ${cfg.evalEvery} epoch(s) and at the end, ${EVAL_DEFAULTS.trainingSamples.toLocaleString('en-US')} samples against the ${ctx.test.count.toLocaleString('en-US')} real test images`);
  }

  // 2. Ctrl-C: the first one saves a checkpoint after the current step and stops; a second one quits now.
  const controller = new AbortController();
  let presses = 0;
  let exitCode = 130;
  const onSigint = (signal: NodeJS.Signals) => {
    exitCode = signal === 'SIGTERM' ? 143 : 130;
    presses += 1;
    if (presses === 1) {
      log.warn('interrupted: saving a checkpoint after this step (Ctrl-C again to quit without it)');
      controller.abort();
    } else {
      process.exit(exitCode);
    }
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);

  const useBar = opts.progress !== false && Boolean(process.stderr.isTTY);
  const progress = createProgress(useBar, cfg.logEvery);
  let result;
  try {
    result = await train({
      config: cfg,
      dataset: ds,
      outDir,
      resume: Boolean(resumeDir),
      signal: controller.signal,
      callbacks: {
        onStart: ({ startStep, totalSteps, stepsPerEpoch }) => {
          log.info(`model: ${cfg.model}, ${totalSteps} steps (${stepsPerEpoch} per epoch, batch ${cfg.batchSize}), run folder ${outDir}`);
          progress.start(startStep, totalSteps);
        },
        onStep: (r) => progress.step(r),
      },
      ...(evaluate ? { evaluate } : {}),
    });
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }

  const l = result.last;
  if (result.interrupted) {
    log.warn(`stopped at step ${result.step} of ${result.totalSteps}; checkpoint saved. Continue with: genforge train --resume ${outDir}`);
  } else {
    log.info(`done: ${result.step} steps${l ? ` in ${l.elapsed.toFixed(1)} s, last L_D ${l.lossD.toFixed(3)} L_G ${l.lossG.toFixed(3)}` : ''}`);
  }
  log.info(`samples: ${result.samplesPath}`);
  log.info(`curves:  ${result.curvesPath}`);
  log.info(`run:     ${outDir} (run.json, metrics.jsonl, checkpoints/)`);
  process.stdout.write(outDir + '\n');
  return result.interrupted ? exitCode : 0;
}
