/**
 * Kernel Inception Distance (Bińkowski et al., "Demystifying MMD GANs", ICLR 2018): the unbiased estimate of
 * the squared maximum mean discrepancy with the cubic polynomial kernel k(x, y) = (x·y / d + 1)³,
 *
 *   MMD²ᵤ = 1/(m(m−1)) Σ_{i≠j} k(xᵢ, xⱼ) + 1/(n(n−1)) Σ_{i≠j} k(yᵢ, yⱼ) − 2/(mn) Σ_{i,j} k(xᵢ, yⱼ),
 *
 * averaged over random subsets (drawn without replacement, a fresh draw per subset, from a seeded Rng).
 * Being unbiased, the estimate can be slightly negative when the two sets come from the same distribution:
 * it is reported as is, not clamped (clamping would bias the mean over subsets).
 */

import { ERROR_CODES, GenforgeError } from '../../errors.js';
import { Rng } from '../../util/rng.js';
import { dotBlock } from './distance.js';
import { checkFeatures, checkSameDim, selectRows, type Features } from './features.js';

export interface KidOptions {
  /** Number of random subsets averaged. Default 100 (as in the KID paper's code). */
  readonly subsets?: number;
  /**
   * Samples drawn from each set per subset. Default 1000. 0, or a size ≥ a set's size, takes that whole set;
   * with both sets whole every subset is the same, so one subset gives exactly the full-set value.
   */
  readonly subsetSize?: number;
  /** Seed of the subset draws. Default 0. */
  readonly seed?: number;
}

export interface KidResult {
  /** Mean of MMD²ᵤ over the subsets. */
  readonly mean: number;
  /** Standard deviation over the subsets (population, ÷ subsets; 0 for one subset). */
  readonly std: number;
  /** The per-subset values (a plain array, so results serialise to JSON as is). */
  readonly values: readonly number[];
}

export const KID_DEFAULTS = Object.freeze({ subsets: 100, subsetSize: 1000, seed: 0 });

export function kid(real: Features, fake: Features, options: KidOptions = {}): KidResult {
  const { subsets, subsetSize, seed } = { ...KID_DEFAULTS, ...options };
  checkFeatures(real, 'KID real features', 2);
  checkFeatures(fake, 'KID fake features', 2);
  checkSameDim(real, fake, 'KID');
  if (!Number.isInteger(subsets) || subsets < 1) {
    throw new GenforgeError(ERROR_CODES.BAD_CONFIG, `KID subsets must be a positive integer, found ${subsets}`);
  }
  if (!Number.isInteger(subsetSize) || subsetSize < 0 || subsetSize === 1) {
    throw new GenforgeError(
      ERROR_CODES.BAD_CONFIG,
      `KID subsetSize must be 0 (whole sets) or an integer ≥ 2, found ${subsetSize}`,
    );
  }
  const sizeOf = (n: number): number => (subsetSize === 0 || subsetSize >= n ? n : subsetSize);
  const mReal = sizeOf(real.n);
  const mFake = sizeOf(fake.n);
  if (mReal === real.n && mFake === fake.n) {
    // Both sets whole: every subset is the same, so compute it once (and report it exactly).
    const v = mmd2Unbiased(real, fake);
    return { mean: v, std: 0, values: new Array<number>(subsets).fill(v) };
  }
  const rng = new Rng(seed);
  const values = new Array<number>(subsets);
  for (let s = 0; s < subsets; s++) {
    // A set taken whole in every subset needs no draw (MMD² does not depend on the order of rows).
    const x = mReal === real.n ? real : selectRows(real, rng.permutation(real.n), mReal);
    const y = mFake === fake.n ? fake : selectRows(fake, rng.permutation(fake.n), mFake);
    values[s] = mmd2Unbiased(x, y);
  }
  let mean = 0;
  for (const v of values) mean += v;
  mean /= subsets;
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  return { mean, std: Math.sqrt(ss / subsets), values };
}

/** MMD²ᵤ with the cubic polynomial kernel over the whole of x and y (each ≥ 2 rows). */
export function mmd2Unbiased(x: Features, y: Features): number {
  const m = x.n;
  const n = y.n;
  const kxx = kernelSum(x, x, true);
  const kyy = kernelSum(y, y, true);
  const kxy = kernelSum(x, y, false);
  return kxx / (m * (m - 1)) + kyy / (n * (n - 1)) - (2 * kxy) / (m * n);
}

/** Rows of a per block of kernel values. */
const ROWS = 64;

/**
 * Σ k(aᵢ, bⱼ) over all pairs, or, with `offDiagonal` (b is a), over i ≠ j: the kernel is symmetric, so that
 * sum is twice the sum over i < j, and only the blocks right of the diagonal are computed.
 */
function kernelSum(a: Features, b: Features, offDiagonal: boolean): number {
  const d = a.d;
  const block = new Float64Array(ROWS * b.n);
  let total = 0;
  for (let i0 = 0; i0 < a.n; i0 += ROWS) {
    const i1 = Math.min(a.n, i0 + ROWS);
    const j0 = offDiagonal ? i0 : 0;
    const w = b.n - j0;
    dotBlock(a, i0, i1, b, j0, b.n, block);
    for (let i = i0; i < i1; i++) {
      const o = (i - i0) * w - j0;
      let rowSum = 0;
      for (let j = offDiagonal ? i + 1 : 0; j < b.n; j++) {
        const t = block[o + j]! / d + 1;
        rowSum += t * t * t;
      }
      total += rowSum;
    }
  }
  return offDiagonal ? 2 * total : total;
}
