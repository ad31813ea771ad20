/**
 * The distance kernel shared by PRDC and the memorization check: blocks of dot products and squared
 * Euclidean distances between the rows of two feature matrices, computed as ‖a‖² + ‖b‖² − 2a·b in float64.
 *
 * Speed: plain JS has no SIMD, so the kernel works on 4 × 2 tiles (4 rows of A against 2 rows of B share
 * each load) over column chunks of B small enough to stay in cache; this runs at about 5 GFLOP/s on one
 * core, 2.5× a naive loop.
 *
 * Exactness: every dot product, in every tile position and in the remainder loops, is one accumulator
 * summed in feature order, and squared norms use the same loop. So a·b and b·a are bitwise equal, the
 * distance of a row to itself is exactly 0, and d(a, b) = d(b, a): a distance does not depend on which
 * block computed it, which the strict `<` comparisons of PRDC rely on.
 */

import type { Features } from './features.js';

/** Rows of B visited per pass over a tile row: 256 rows × 128 features × 8 bytes = 256 KiB, L2-sized. */
const COL_CHUNK = 256;

/** ‖row‖² for every row, summed in feature order (the same order as dotBlock). */
export function rowSqNorms(f: Features): Float64Array {
  const { n, d, data } = f;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    let s = 0;
    for (let k = 0; k < d; k++) s += data[o + k]! * data[o + k]!;
    out[i] = s;
  }
  return out;
}

/**
 * out[(i − i0) · (j1 − j0) + (j − j0)] = A[i] · B[j] for i in [i0, i1), j in [j0, j1).
 * A and B must have the same d.
 */
export function dotBlock(
  A: Features,
  i0: number,
  i1: number,
  B: Features,
  j0: number,
  j1: number,
  out: Float64Array,
): void {
  const d = A.d;
  const a = A.data;
  const b = B.data;
  const w = j1 - j0;
  for (let jc = j0; jc < j1; jc += COL_CHUNK) {
    const jEnd = Math.min(j1, jc + COL_CHUNK);
    let i = i0;
    for (; i + 4 <= i1; i += 4) {
      const a0 = i * d;
      const a1 = a0 + d;
      const a2 = a1 + d;
      const a3 = a2 + d;
      const o0 = (i - i0) * w - j0;
      const o1 = o0 + w;
      const o2 = o1 + w;
      const o3 = o2 + w;
      let j = jc;
      for (; j + 2 <= jEnd; j += 2) {
        const b0 = j * d;
        const b1 = b0 + d;
        let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0; // prettier-ignore
        for (let k = 0; k < d; k++) {
          const y0 = b[b0 + k]!;
          const y1 = b[b1 + k]!;
          let x = a[a0 + k]!;
          s00 += x * y0;
          s01 += x * y1;
          x = a[a1 + k]!;
          s10 += x * y0;
          s11 += x * y1;
          x = a[a2 + k]!;
          s20 += x * y0;
          s21 += x * y1;
          x = a[a3 + k]!;
          s30 += x * y0;
          s31 += x * y1;
        }
        out[o0 + j] = s00;
        out[o0 + j + 1] = s01;
        out[o1 + j] = s10;
        out[o1 + j + 1] = s11;
        out[o2 + j] = s20;
        out[o2 + j + 1] = s21;
        out[o3 + j] = s30;
        out[o3 + j + 1] = s31;
      }
      for (; j < jEnd; j++) {
        const b0 = j * d;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0; // prettier-ignore
        for (let k = 0; k < d; k++) {
          const y = b[b0 + k]!;
          s0 += a[a0 + k]! * y;
          s1 += a[a1 + k]! * y;
          s2 += a[a2 + k]! * y;
          s3 += a[a3 + k]! * y;
        }
        out[o0 + j] = s0;
        out[o1 + j] = s1;
        out[o2 + j] = s2;
        out[o3 + j] = s3;
      }
    }
    for (; i < i1; i++) {
      const a0 = i * d;
      const o0 = (i - i0) * w - j0;
      for (let j = jc; j < jEnd; j++) {
        const b0 = j * d;
        let s = 0;
        for (let k = 0; k < d; k++) s += a[a0 + k]! * b[b0 + k]!;
        out[o0 + j] = s;
      }
    }
  }
}

/**
 * Euclidean distances (not squared) from rows [i0, i1) of A to rows [j0, j1) of B (default all), into `out`
 * (row-major, (i1 − i0) × (j1 − j0)). `normsA` / `normsB` come from rowSqNorms. Rounding can make
 * ‖a‖² + ‖b‖² − 2a·b slightly negative for near-equal rows: it is clamped at 0.
 */
export function distanceBlock(
  A: Features,
  normsA: Float64Array,
  i0: number,
  i1: number,
  B: Features,
  normsB: Float64Array,
  out: Float64Array,
  j0 = 0,
  j1 = B.n,
): void {
  const w = j1 - j0;
  dotBlock(A, i0, i1, B, j0, j1, out);
  for (let i = i0; i < i1; i++) {
    const na = normsA[i]!;
    const o = (i - i0) * w - j0;
    for (let j = j0; j < j1; j++) {
      const s = na + normsB[j]! - 2 * out[o + j]!;
      out[o + j] = s > 0 ? Math.sqrt(s) : 0;
    }
  }
}

/** Rows of A per block of a full distance row scan (PRDC): 32 × 10,000 × 8 B = 2.5 MB. */
export const ROW_BLOCK = 32;

/** Query rows × reference rows per block of the nearest-neighbour search: 256 × 2048 × 8 B = 4 MiB. */
const NN_ROWS = 256;
const NN_COLS = 2048;

/**
 * For every row of `queries`, the distance to and index of its nearest row in `ref` (lowest index on ties).
 * Minimises ‖r‖² − 2q·r per query (‖q‖² is the same for all candidates) and takes one sqrt at the end.
 * 10,000 × 60,000 rows of 128 features take about half a minute on one core.
 */
export function nearestNeighbours(
  queries: Features,
  ref: Features,
): { distance: Float64Array; index: Int32Array } {
  const nq = rowSqNorms(queries);
  const nr = rowSqNorms(ref);
  const best = new Float64Array(queries.n).fill(Infinity);
  const index = new Int32Array(queries.n).fill(-1);
  const block = new Float64Array(NN_ROWS * NN_COLS);
  for (let i0 = 0; i0 < queries.n; i0 += NN_ROWS) {
    const i1 = Math.min(queries.n, i0 + NN_ROWS);
    for (let j0 = 0; j0 < ref.n; j0 += NN_COLS) {
      const j1 = Math.min(ref.n, j0 + NN_COLS);
      const w = j1 - j0;
      dotBlock(queries, i0, i1, ref, j0, j1, block);
      for (let i = i0; i < i1; i++) {
        const o = (i - i0) * w - j0;
        let b = best[i]!;
        let bj = index[i]!;
        for (let j = j0; j < j1; j++) {
          const s = nr[j]! - 2 * block[o + j]!;
          if (s < b) {
            b = s;
            bj = j;
          }
        }
        best[i] = b;
        index[i] = bj;
      }
    }
  }
  const distance = new Float64Array(queries.n);
  for (let i = 0; i < queries.n; i++) {
    const sq = nq[i]! + best[i]!;
    distance[i] = sq > 0 ? Math.sqrt(sq) : 0;
  }
  return { distance, index };
}
