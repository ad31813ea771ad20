/**
 * The one input type of every evaluation metric: a feature matrix, rows = samples, stored row-major in
 * float64. Feature extractors, the `.npy` / JSON readers and the metrics all speak this type, so a metric
 * never has to guess whether it was handed rows, columns or a ragged array.
 */

import { ERROR_CODES, GenforgeError, fmtCount } from '../../errors.js';

/** `n` samples of `d` features; sample i, feature j is `data[i * d + j]`. */
export interface Features {
  readonly n: number;
  readonly d: number;
  readonly data: Float64Array;
}

/** Build a `Features` from an array of equally long rows (the shape JSON and tests naturally have). */
export function featuresFromRows(rows: ReadonlyArray<ArrayLike<number>>): Features {
  const n = rows.length;
  const d = n > 0 ? rows[0]!.length : 0;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    if (row.length !== d) {
      throw new GenforgeError(
        ERROR_CODES.BAD_NUMERIC_INPUT,
        `feature rows must all have the same length: row 0 has ${d} values, row ${i} has ${row.length}; ` +
          `fix the feature extractor or the file that produced them`,
      );
    }
    for (let j = 0; j < d; j++) data[i * d + j] = row[j]!;
  }
  return { n, d, data };
}

/** The rows as plain arrays (for JSON output and small tests). */
export function featuresToRows(f: Features): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < f.n; i++) rows.push(Array.from(f.data.subarray(i * f.d, (i + 1) * f.d)));
  return rows;
}

/** The rows listed in `index`, copied into a new contiguous matrix (random subsets for KID). */
export function selectRows(f: Features, index: ArrayLike<number>, count = index.length): Features {
  const { d } = f;
  const data = new Float64Array(count * d);
  for (let r = 0; r < count; r++) {
    const src = index[r]! * d;
    data.set(f.data.subarray(src, src + d), r * d);
  }
  return { n: count, d, data };
}

/**
 * Throw a GenforgeError unless `f` is a well-formed matrix of finite numbers with at least `minRows` rows.
 * `what` names the set in messages ("FID real features").
 */
export function checkFeatures(f: Features, what: string, minRows = 1): void {
  const { n, d, data } = f;
  if (!Number.isInteger(n) || !Number.isInteger(d) || n < 0 || d < 1 || data.length !== n * d) {
    throw new GenforgeError(
      ERROR_CODES.BAD_NUMERIC_INPUT,
      `${what}: expected an n × d matrix with n·d values, found n=${n}, d=${d} and ${fmtCount(data.length)} ` +
        `values; build it with featuresFromRows() or a features reader`,
    );
  }
  if (n < minRows) {
    throw new GenforgeError(
      ERROR_CODES.BAD_NUMERIC_INPUT,
      `${what}: expected at least ${minRows} samples, found ${n}; compute features for more samples`,
    );
  }
  for (let k = 0; k < data.length; k++) {
    const v = data[k]!;
    if (!Number.isFinite(v)) {
      const row = Math.floor(k / d);
      throw new GenforgeError(
        ERROR_CODES.BAD_NUMERIC_INPUT,
        `${what}: row ${row}, column ${k - row * d} is ${v}, expected a finite number; ` +
          `the feature extractor or the model produced non-finite values (check for NaN in the generator output)`,
      );
    }
  }
}

/** Throw a GenforgeError unless both sets have the same number of features. */
export function checkSameDim(a: Features, b: Features, what: string, aName = 'real', bName = 'fake'): void {
  if (a.d !== b.d) {
    throw new GenforgeError(
      ERROR_CODES.BAD_NUMERIC_INPUT,
      `${what}: ${aName} features have ${a.d} dimensions, ${bName} features have ${b.d}; ` +
        `both sets must come from the same feature extractor`,
    );
  }
}
