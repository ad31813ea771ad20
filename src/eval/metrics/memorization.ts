/**
 * Memorization check: does the generator reproduce its training images? For each generated sample, the
 * Euclidean distance to its nearest training sample is compared with the same distance for held-out test
 * samples, which the model never saw and which therefore show how close "new" data naturally comes to the
 * training set (the idea of nearest-neighbour copy detection, e.g. Meehan et al., "A Non-Parametric Test to
 * Detect Data-Copying in Generative Models", AISTATS 2020, and the FLD/authenticity line of work).
 *
 *   threshold     = the q-th percentile (default q = 1) of the test → train nearest-neighbour distances
 *                   (linear interpolation between order statistics, like numpy's default);
 *   near copy     = a generated sample whose nearest-training distance is strictly below the threshold,
 *                   i.e. closer to the training set than all but q % of genuinely new images;
 *   nearCopyShare = near copies / generated. A model that does not copy gives about q / 100;
 *   ratio         = median(generated → train) / median(test → train); well below 1 means memorization.
 *
 * Works on any matrices: raw pixels (d = 784 for MNIST) or, much faster, features of lower dimension
 * (e.g. 128-d embeddings): the cost is generated · train · d multiply-adds plus test · train · d.
 */

import { ERROR_CODES, GenforgeError } from '../../errors.js';
import { log } from '../../log.js';
import { nearestNeighbours } from './distance.js';
import { checkFeatures, checkSameDim, type Features } from './features.js';

export interface MemorizationOptions {
  /** Percentile (0..100) of the test → train distances below which a generated sample is a near copy. Default 1. */
  readonly percentile?: number;
  /** How many of the closest generated/train pairs to return. Default 10. */
  readonly closest?: number;
}

export interface ClosestPair {
  readonly generated: number;
  readonly train: number;
  readonly distance: number;
}

export interface MemorizationResult {
  readonly percentile: number;
  /** Distance threshold: the percentile of the test → train nearest-neighbour distances. */
  readonly threshold: number;
  readonly nearCopies: number;
  readonly nearCopyShare: number;
  readonly medianGeneratedToTrain: number;
  readonly medianTestToTrain: number;
  /** medianGeneratedToTrain / medianTestToTrain (Infinity or NaN if the test median is 0). */
  readonly ratio: number;
  /** The generated samples closest to the training set, closest first, each with its nearest training sample. */
  readonly closest: ClosestPair[];
  /** [generated] nearest-training distance of every generated sample. */
  readonly generatedToTrain: Float64Array;
  /** [generated] index of that nearest training sample. */
  readonly generatedNearest: Int32Array;
  /** [test] nearest-training distance of every test sample. */
  readonly testToTrain: Float64Array;
}

export function memorization(
  generated: Features,
  train: Features,
  test: Features,
  options: MemorizationOptions = {},
): MemorizationResult {
  const q = options.percentile ?? 1;
  const k = options.closest ?? 10;
  checkFeatures(generated, 'memorization generated samples', 1);
  checkFeatures(train, 'memorization training samples', 1);
  checkFeatures(test, 'memorization test samples', 1);
  checkSameDim(train, generated, 'memorization', 'training', 'generated');
  checkSameDim(train, test, 'memorization', 'training', 'test');
  if (!(q >= 0 && q <= 100)) {
    throw new GenforgeError(ERROR_CODES.BAD_CONFIG, `memorization percentile must be from 0 to 100, found ${q}`);
  }
  if (!Number.isInteger(k) || k < 0) {
    throw new GenforgeError(ERROR_CODES.BAD_CONFIG, `memorization closest must be an integer ≥ 0, found ${k}`);
  }
  const gen = nearestNeighbours(generated, train);
  const testNN = nearestNeighbours(test, train);
  const threshold = percentile(testNN.distance, q);
  if (threshold === 0) {
    log.warn(
      `memorization: the ${q}th percentile of test → train distances is 0, so the test set contains copies ` +
        `of training samples and no generated sample can count as a near copy; deduplicate the test set`,
    );
  }
  let nearCopies = 0;
  for (const dist of gen.distance) if (dist < threshold) nearCopies++;
  const order = Array.from({ length: generated.n }, (_, i) => i).sort(
    (a, b) => gen.distance[a]! - gen.distance[b]! || a - b,
  );
  const closest = order.slice(0, k).map((i) => ({
    generated: i,
    train: gen.index[i]!,
    distance: gen.distance[i]!,
  }));
  const medianGeneratedToTrain = percentile(gen.distance, 50);
  const medianTestToTrain = percentile(testNN.distance, 50);
  return {
    percentile: q,
    threshold,
    nearCopies,
    nearCopyShare: nearCopies / generated.n,
    medianGeneratedToTrain,
    medianTestToTrain,
    ratio: medianGeneratedToTrain / medianTestToTrain,
    closest,
    generatedToTrain: gen.distance,
    generatedNearest: gen.index,
    testToTrain: testNN.distance,
  };
}

/** q-th percentile (0..100) with linear interpolation between order statistics (numpy's default). */
export function percentile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (q / 100) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}
