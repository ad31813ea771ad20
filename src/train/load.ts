/** Loading a trained run for use: its description and its generator, ready to sample. */
import type * as tf from '@tensorflow/tfjs';
import { loadLatestCheckpoint } from './checkpoint.js';
import { readRunInfo, type RunInfo } from './run.js';

export interface LoadedRun {
  readonly dir: string;
  readonly info: RunInfo;
  readonly step: number;
  readonly generator: tf.LayersModel;
  readonly discriminator: tf.LayersModel;
}

export async function loadRun(dir: string): Promise<LoadedRun> {
  const info = readRunInfo(dir);
  const ck = await loadLatestCheckpoint(dir);
  return { dir, info, step: ck.state.step, generator: ck.models.generator, discriminator: ck.models.discriminator };
}
