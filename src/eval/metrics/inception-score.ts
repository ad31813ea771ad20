/**
 * Inception Score (Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016), computed from the
 * class probabilities p(y|x) of any classifier (Inception for natural images, a small MNIST classifier for
 * digits):
 *
 *   IS = exp( E_x KL( p(y|x) ‖ p(y) ) ),   p(y) = mean of p(y|x) over the split.
 *
 * The samples are cut into `splits` contiguous, near-equal parts (part s holds rows ⌊s·n/splits⌋ up to
 * ⌊(s+1)·n/splits⌋, so no row is dropped); the score is computed per part and reported as mean and
 * population standard deviation over the parts, as in the original code. 0 · log 0 is taken as 0, so
 * one-hot predictions are fine: IS ranges from 1 (every sample the same class) to the number of classes
 * (confident predictions spread evenly over all classes).
 */

import { ERROR_CODES, GenforgeError } from '../../errors.js';
import { checkFeatures, type Features } from './features.js';

export interface InceptionScoreOptions {
  /** Number of parts. Default 10 (as in the original code). */
  readonly splits?: number;
}

export interface InceptionScoreResult {
  readonly mean: number;
  readonly std: number;
  /** Per-split scores (a plain array, so results serialise to JSON as is). */
  readonly values: readonly number[];
}

/** A row of probabilities may miss summing to 1 by this much (float32 softmax outputs). */
const ROW_SUM_TOLERANCE = 1e-3;

/** `probs`: [n, classes], each row a probability distribution (softmax output, not logits). */
export function inceptionScore(probs: Features, options: InceptionScoreOptions = {}): InceptionScoreResult {
  const splits = options.splits ?? 10;
  checkFeatures(probs, 'Inception Score class probabilities', 1);
  const { n, d: c, data } = probs;
  if (!Number.isInteger(splits) || splits < 1 || splits > n) {
    throw new GenforgeError(
      ERROR_CODES.BAD_CONFIG,
      `Inception Score splits must be an integer from 1 to the number of samples (${n}), found ${splits}`,
    );
  }
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < c; j++) {
      const p = data[i * c + j]!;
      if (p < 0) {
        throw new GenforgeError(
          ERROR_CODES.BAD_NUMERIC_INPUT,
          `Inception Score: row ${i}, class ${j} has probability ${p}, expected a value ≥ 0; ` +
            `pass softmax probabilities, not logits`,
        );
      }
      sum += p;
    }
    if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) {
      throw new GenforgeError(
        ERROR_CODES.BAD_NUMERIC_INPUT,
        `Inception Score: row ${i} sums to ${sum}, expected 1 (±${ROW_SUM_TOLERANCE}); ` +
          `pass softmax probabilities, not logits`,
      );
    }
  }
  const values = new Array<number>(splits);
  const marginal = new Float64Array(c);
  for (let s = 0; s < splits; s++) {
    const r0 = Math.floor((s * n) / splits);
    const r1 = Math.floor(((s + 1) * n) / splits);
    marginal.fill(0);
    for (let i = r0; i < r1; i++) for (let j = 0; j < c; j++) marginal[j] += data[i * c + j]!;
    for (let j = 0; j < c; j++) marginal[j] /= r1 - r0;
    let klSum = 0;
    for (let i = r0; i < r1; i++) {
      for (let j = 0; j < c; j++) {
        const p = data[i * c + j]!;
        // 0 · log 0 = 0; p > 0 implies marginal > 0, so the log is finite.
        if (p > 0) klSum += p * Math.log(p / marginal[j]!);
      }
    }
    values[s] = Math.exp(klSum / (r1 - r0));
  }
  let mean = 0;
  for (const v of values) mean += v;
  mean /= splits;
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  return { mean, std: Math.sqrt(ss / splits), values };
}
