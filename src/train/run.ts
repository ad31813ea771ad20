/**
 * The run folder: a self-describing record of one training run.
 *
 *   run.json          format and toolkit version, the resolved config, model shape, dataset, backend
 *   checkpoints/      see checkpoint.ts
 *   metrics.jsonl     one JSON line per training step
 *   samples/          sample grids from a fixed latent batch, step-XXXXXXXX.png
 *   samples.png       the newest grid
 *   curves.html / curves.svg / curves.png   loss curves
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GenforgeError, ERROR_CODES } from '../errors.js';
import { parseTrainConfig, type TrainConfig } from '../config.js';
import { RUN_FORMAT_VERSION, TOOLKIT_VERSION } from '../version.js';
import type { ModelConfig } from '../models/types.js';
import type { Dataset } from '../data/types.js';
import { writeFileAtomic } from '../util/atomic.js';

export interface RunInfo {
  readonly format: 'genforge-run';
  readonly formatVersion: number;
  readonly toolkitVersion: string;
  readonly createdAt: string;
  readonly config: TrainConfig;
  readonly model: ModelConfig;
  readonly dataset: {
    readonly name: string;
    readonly split: string;
    readonly source: string;
    readonly count: number;
    readonly height: number;
    readonly width: number;
    readonly channels: number;
    readonly classNames: readonly string[] | null;
  };
  readonly backend: string;
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
}

export const RUN_FILE = 'run.json';

export function describeDatasetForRun(ds: Dataset): RunInfo['dataset'] {
  return {
    name: ds.name,
    split: ds.split,
    source: ds.source,
    count: ds.count,
    height: ds.height,
    width: ds.width,
    channels: ds.channels,
    classNames: ds.classNames,
  };
}

export function writeRunInfo(dir: string, info: RunInfo): void {
  writeFileAtomic(join(dir, RUN_FILE), JSON.stringify(info, null, 2) + '\n');
}

/** Read and check run.json of a run folder. */
export function readRunInfo(dir: string): RunInfo {
  const path = join(dir, RUN_FILE);
  if (!existsSync(path)) {
    throw new GenforgeError(ERROR_CODES.BAD_RUN, `${dir}: not a genforge run folder (no ${RUN_FILE}); train one with genforge train --out ${dir}`);
  }
  let info: RunInfo;
  try {
    info = JSON.parse(readFileSync(path, 'utf8')) as RunInfo;
  } catch (e) {
    throw new GenforgeError(ERROR_CODES.BAD_RUN, `${path}: not valid JSON (${(e as Error).message})`);
  }
  if (info.format !== 'genforge-run') throw new GenforgeError(ERROR_CODES.BAD_RUN, `${path}: not a genforge run description`);
  if (info.formatVersion !== RUN_FORMAT_VERSION) {
    throw new GenforgeError(
      ERROR_CODES.BAD_RUN,
      `${path}: run format version ${info.formatVersion}, this genforge (${TOOLKIT_VERSION}) reads version ${RUN_FORMAT_VERSION}`,
    );
  }
  return { ...info, config: parseTrainConfig(info.config, path) };
}
