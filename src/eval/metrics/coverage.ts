/**
 * Class coverage and label agreement from a classifier's predictions on generated samples: does the model
 * produce every class (mode collapse shows as missing classes), and does a conditional model produce the
 * class it was asked for?
 *
 * A class counts as covered when its share of the predictions is at least `minShare` times the uniform share
 * 1 / classes (default 0.1: with 10 classes a class needs ≥ 1 % of the samples). A class that shows up only
 * through a handful of misclassified samples is thereby not counted as produced.
 */

import { ERROR_CODES, GenforgeError } from '../../errors.js';
import { checkFeatures, type Features } from './features.js';

export interface ClassCoverageOptions {
  /** Minimum share of a class, as a fraction of the uniform share 1 / classes. Default 0.1. */
  readonly minShare?: number;
}

export interface ClassCoverageResult {
  readonly classes: number;
  /** [classes] number of samples predicted as each class. */
  readonly counts: readonly number[];
  /** [classes] counts / n. */
  readonly shares: readonly number[];
  /** Share a class needs to count as covered: minShare / classes. */
  readonly threshold: number;
  /** Number of covered classes, 0..classes. */
  readonly covered: number;
  /** The classes below the threshold, ascending. */
  readonly missing: number[];
}

export interface LabelAgreementResult {
  /** Fraction of samples whose predicted label equals the requested one. */
  readonly agreement: number;
  /** [classes] agreement among the samples requested as each class (NaN, null in JSON, if never requested). */
  readonly perClass: readonly number[];
}

/** Predicted label of every row of class probabilities or logits [n, classes] (first maximum on ties). */
export function argmaxRows(scores: Features): Int32Array {
  checkFeatures(scores, 'class scores', 1);
  const { n, d, data } = scores;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < d; j++) if (data[i * d + j]! > data[i * d + best]!) best = j;
    out[i] = best;
  }
  return out;
}

/** Count of each label in 0..classes−1. */
export function classHistogram(labels: ArrayLike<number>, classes: number): Int32Array {
  checkClasses(classes);
  const counts = new Int32Array(classes);
  for (let i = 0; i < labels.length; i++) counts[checkLabel(labels[i]!, classes, 'predicted', i)]++;
  return counts;
}

export function classCoverage(
  predicted: ArrayLike<number>,
  classes: number,
  options: ClassCoverageOptions = {},
): ClassCoverageResult {
  const minShare = options.minShare ?? 0.1;
  if (!(minShare >= 0)) {
    throw new GenforgeError(ERROR_CODES.BAD_CONFIG, `class coverage minShare must be ≥ 0, found ${minShare}`);
  }
  const n = predicted.length;
  if (n === 0) {
    throw new GenforgeError(
      ERROR_CODES.BAD_NUMERIC_INPUT,
      'class coverage needs at least one predicted label, found none',
    );
  }
  const counts = Array.from(classHistogram(predicted, classes));
  const shares = counts.map((c) => c / n);
  const threshold = minShare / classes;
  const missing: number[] = [];
  shares.forEach((s, j) => {
    if (s < threshold || counts[j] === 0) missing.push(j);
  });
  return { classes, counts, shares, threshold, covered: classes - missing.length, missing };
}

/** For a conditional model: how often the classifier agrees with the label the sample was generated for. */
export function labelAgreement(
  predicted: ArrayLike<number>,
  requested: ArrayLike<number>,
  classes: number,
): LabelAgreementResult {
  checkClasses(classes);
  if (predicted.length !== requested.length || predicted.length === 0) {
    throw new GenforgeError(
      ERROR_CODES.BAD_NUMERIC_INPUT,
      `label agreement needs one predicted label per requested label (at least one), found ` +
        `${predicted.length} predicted and ${requested.length} requested`,
    );
  }
  const asked = new Int32Array(classes);
  const hit = new Int32Array(classes);
  let agree = 0;
  for (let i = 0; i < predicted.length; i++) {
    const p = checkLabel(predicted[i]!, classes, 'predicted', i);
    const r = checkLabel(requested[i]!, classes, 'requested', i);
    asked[r]++;
    if (p === r) {
      hit[r]++;
      agree++;
    }
  }
  return {
    agreement: agree / predicted.length,
    perClass: Array.from(asked, (a, j) => (a === 0 ? NaN : hit[j]! / a)),
  };
}

function checkClasses(classes: number): void {
  if (!Number.isInteger(classes) || classes < 1) {
    throw new GenforgeError(ERROR_CODES.BAD_CONFIG, `number of classes must be a positive integer, found ${classes}`);
  }
}

function checkLabel(label: number, classes: number, what: string, i: number): number {
  if (!Number.isInteger(label) || label < 0 || label >= classes) {
    throw new GenforgeError(
      ERROR_CODES.BAD_NUMERIC_INPUT,
      `${what} label ${i} is ${label}, expected an integer from 0 to ${classes - 1}`,
    );
  }
  return label;
}
