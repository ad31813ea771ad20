/**
 * Precision and recall (Kynkäänniemi et al., "Improved Precision and Recall Metric for Assessing Generative
 * Models", NeurIPS 2019) and density and coverage (Naeem et al., "Reliable Fidelity and Diversity Metrics for
 * Generative Models", ICML 2020), all from k-nearest-neighbour balls in feature space.
 *
 * The ball of a sample has the Euclidean distance to its k-th nearest neighbour in its own set as radius,
 * the sample itself excluded (i.e. the (k+1)-th smallest distance of its row, the row including the
 * sample's own 0). Comparisons are strict (`d < radius`). With real samples X (N) and fake samples Y (M):
 *
 *   precision = share of fake yⱼ inside the ball of at least one real xᵢ           (k = kPrecisionRecall)
 *   recall    = share of real xᵢ inside the ball of at least one fake yⱼ           (k = kPrecisionRecall)
 *   density   = 1/(kM) Σⱼ #{i : yⱼ inside the ball of xᵢ}                        (k = kDensityCoverage)
 *   coverage  = share of real xᵢ whose nearest fake sample is inside its own ball   (k = kDensityCoverage)
 *
 * Distances come from the shared kernel (./distance.ts) in row blocks, so memory stays at a block of
 * 32 × max(N, M) distances even for 10,000 × 10,000 samples; no N × M matrix is ever held.
 */

import { ERROR_CODES, GenforgeError } from '../../errors.js';
import { distanceBlock, rowSqNorms, ROW_BLOCK } from './distance.js';
import { checkFeatures, checkSameDim, type Features } from './features.js';

export interface PrdcOptions {
  /** k of precision and recall. Default 3 (as in Kynkäänniemi et al.). */
  readonly kPrecisionRecall?: number;
  /** k of density and coverage. Default 5 (as in Naeem et al.). */
  readonly kDensityCoverage?: number;
}

export interface PrdcResult {
  readonly precision: number;
  readonly recall: number;
  readonly density: number;
  readonly coverage: number;
  readonly kPrecisionRecall: number;
  readonly kDensityCoverage: number;
}

export const PRDC_DEFAULTS = Object.freeze({ kPrecisionRecall: 3, kDensityCoverage: 5 });

export function prdc(real: Features, fake: Features, options: PrdcOptions = {}): PrdcResult {
  const { kPrecisionRecall: kPR, kDensityCoverage: kDC } = { ...PRDC_DEFAULTS, ...options };
  checkFeatures(real, 'PRDC real features', 2);
  checkFeatures(fake, 'PRDC fake features', 2);
  checkSameDim(real, fake, 'PRDC');
  for (const [name, k] of [
    ['kPrecisionRecall', kPR],
    ['kDensityCoverage', kDC],
  ] as const) {
    const limit = Math.min(real.n, fake.n) - 1;
    if (!Number.isInteger(k) || k < 1 || k > limit) {
      throw new GenforgeError(
        ERROR_CODES.BAD_CONFIG,
        `PRDC ${name} must be an integer from 1 to ${limit} (one less than the smaller set), found ${k}`,
      );
    }
  }
  const N = real.n;
  const M = fake.n;
  const normsReal = rowSqNorms(real);
  const normsFake = rowSqNorms(fake);
  // 1. Ball radii of both sets, at both k.
  const [realPR, realDC] = kthNeighbourDistances(real, normsReal, kPR, kDC);
  const [fakePR] = kthNeighbourDistances(fake, normsFake, kPR, kDC);

  // 2. One pass over real × fake distances.
  const fakeInRealBall = new Uint8Array(M); // precision
  const realInFakeBall = new Uint8Array(N); // recall
  let densityCount = 0;
  let covered = 0;
  const block = new Float64Array(ROW_BLOCK * M);
  for (let i0 = 0; i0 < N; i0 += ROW_BLOCK) {
    const i1 = Math.min(N, i0 + ROW_BLOCK);
    distanceBlock(real, normsReal, i0, i1, fake, normsFake, block);
    for (let i = i0; i < i1; i++) {
      const o = (i - i0) * M;
      const rPR = realPR[i]!;
      const rDC = realDC[i]!;
      let nearest = Infinity;
      let inFake = 0;
      for (let j = 0; j < M; j++) {
        const dist = block[o + j]!;
        if (dist < rPR) fakeInRealBall[j] = 1;
        if (dist < fakePR[j]!) inFake = 1;
        if (dist < rDC) densityCount++;
        if (dist < nearest) nearest = dist;
      }
      realInFakeBall[i] = inFake;
      if (nearest < rDC) covered++;
    }
  }
  return {
    precision: countOnes(fakeInRealBall) / M,
    recall: countOnes(realInFakeBall) / N,
    // (1/k) · (count / M), the order of the formula, so values agree with the published code to the last bit.
    density: (1 / kDC) * (densityCount / M),
    coverage: covered / N,
    kPrecisionRecall: kPR,
    kDensityCoverage: kDC,
  };
}

/**
 * For every row of f, the distance to its k-th nearest other row, for each k in `ks` (all ks < f.n).
 * Keeps the max(k) + 1 smallest distances of each row (its own 0 included) in a small sorted buffer.
 * Distances are symmetric bitwise (see ./distance.ts), so each pair is computed once, for the row block
 * of its lower index, and offered to both rows: half the dot products of a full scan, the same result.
 */
export function kthNeighbourDistances(f: Features, norms: Float64Array, ...ks: number[]): Float64Array[] {
  const n = f.n;
  const keep = Math.max(...ks) + 1;
  const best = new Float64Array(n * keep).fill(Infinity); // row i: best[i·keep .. i·keep + keep − 1], ascending
  const insert = (row: number, dist: number): void => {
    const o = row * keep;
    if (dist >= best[o + keep - 1]!) return;
    let p = keep - 1;
    while (p > 0 && best[o + p - 1]! > dist) {
      best[o + p] = best[o + p - 1]!;
      p--;
    }
    best[o + p] = dist;
  };
  const block = new Float64Array(ROW_BLOCK * n);
  for (let i0 = 0; i0 < n; i0 += ROW_BLOCK) {
    const i1 = Math.min(n, i0 + ROW_BLOCK);
    const w = n - i0;
    distanceBlock(f, norms, i0, i1, f, norms, block, i0, n);
    for (let i = i0; i < i1; i++) {
      const o = (i - i0) * w - i0;
      insert(i, block[o + i]!); // the row's own distance, exactly 0
      for (let j = i + 1; j < n; j++) {
        const dist = block[o + j]!;
        insert(i, dist);
        insert(j, dist);
      }
    }
  }
  return ks.map((k) => Float64Array.from({ length: n }, (_, i) => best[i * keep + k]!));
}

function countOnes(a: Uint8Array): number {
  let c = 0;
  for (const v of a) c += v;
  return c;
}
