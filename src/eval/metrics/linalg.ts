/**
 * Symmetric eigendecomposition on flat float64 arrays, for FID's matrix square roots (d up to 2048).
 *
 * Two classic steps (Golub & Van Loan, "Matrix Computations", §8.3):
 *   1. Householder tridiagonalization A = Q T Qᵀ (Alg. 8.3.1), working on contiguous rows of the
 *      row-major matrix: each reflector comes from row k (= column k by symmetry), and the trailing block is
 *      updated as A₂₂ −= v wᵀ + w vᵀ with p = β A₂₂ v, w = p − (β pᵀv / 2) v.
 *   2. Implicit symmetric QR steps with the Wilkinson shift on T (Alg. 8.3.2/8.3.3), deflating off-diagonal
 *      entries below ε (|aᵢ| + |aᵢ₊₁|); the Givens rotations are accumulated into Zᵀ = (QG)ᵀ row by row, so
 *      each rotation touches two contiguous rows.
 * Eigenvalues only (no Q, no accumulation) costs about a sixth of the full decomposition; FID needs vectors
 * for the first matrix only. ml-matrix's EigenvalueDecomposition is the cross-check in the tests; this one is
 * several times faster on large d because it never goes through Matrix.get/set.
 */

import { ERROR_CODES, GenforgeError } from '../../errors.js';

export interface SymmetricEigen {
  /** [d] eigenvalues, in no particular order. */
  readonly values: Float64Array;
  /** [d, d] row-major; row i is the unit eigenvector of values[i] (i.e. Vᵀ). Only with `vectors`. */
  readonly vectorsT?: Float64Array;
}

/** Eigenvalues (and with `vectors`, eigenvectors) of the symmetric d × d row-major matrix `a` (not modified). */
export function symmetricEigen(a: Float64Array, d: number, options: { vectors?: boolean } = {}): SymmetricEigen {
  const wantVectors = options.vectors ?? false;
  const A = Float64Array.from(a);
  const diag = new Float64Array(d);
  const off = new Float64Array(Math.max(0, d - 1)); // off[k] = T[k][k+1]
  const beta = new Float64Array(d);

  // 1. Householder: reflector k zeroes row/column k beyond k+1 and is stored in row k, entries k+1..d−1.
  const p = new Float64Array(d);
  for (let k = 0; k + 2 < d; k++) {
    const rowK = k * d;
    let alpha = 0;
    for (let j = k + 1; j < d; j++) alpha += A[rowK + j]! * A[rowK + j]!;
    alpha = Math.sqrt(alpha);
    diag[k] = A[rowK + k]!;
    const x0 = A[rowK + k + 1]!;
    if (alpha === 0) {
      off[k] = 0;
      beta[k] = 0;
      continue;
    }
    const sign = x0 >= 0 ? 1 : -1;
    A[rowK + k + 1] = x0 + sign * alpha; // v = x + sign(x₀)‖x‖e₁
    const b = 1 / (alpha * (alpha + Math.abs(x0))); // β = 2 / ‖v‖²
    beta[k] = b;
    off[k] = -sign * alpha;
    // p = β A₂₂ v over the trailing block (rows/cols k+1..d−1); K = β pᵀv / 2; w = p − K v (in p).
    let pv = 0;
    for (let i = k + 1; i < d; i++) {
      const rowI = i * d;
      let s = 0;
      for (let j = k + 1; j < d; j++) s += A[rowI + j]! * A[rowK + j]!;
      p[i] = b * s;
      pv += p[i]! * A[rowK + i]!;
    }
    const K = 0.5 * b * pv;
    for (let i = k + 1; i < d; i++) p[i] = p[i]! - K * A[rowK + i]!;
    for (let i = k + 1; i < d; i++) {
      const rowI = i * d;
      const vi = A[rowK + i]!;
      const wi = p[i]!;
      for (let j = k + 1; j < d; j++) A[rowI + j] = A[rowI + j]! - vi * p[j]! - wi * A[rowK + j]!;
    }
  }
  if (d >= 2) {
    diag[d - 2] = A[(d - 2) * d + d - 2]!;
    off[d - 2] = A[(d - 2) * d + d - 1]!;
  }
  diag[d - 1] = A[(d - 1) * d + d - 1]!;

  // Qᵀ = H_{d−3} ⋯ H₀, built by applying H₀, H₁, ... to the identity from the left: each touches rows k+1...
  let zt: Float64Array | undefined;
  if (wantVectors) {
    zt = new Float64Array(d * d);
    for (let i = 0; i < d; i++) zt[i * d + i] = 1;
    const u = new Float64Array(d);
    for (let k = 0; k + 2 < d; k++) {
      const b = beta[k]!;
      if (b === 0) continue;
      const rowK = k * d;
      u.fill(0);
      for (let i = k + 1; i < d; i++) {
        const vi = A[rowK + i]!;
        const rowI = i * d;
        for (let j = 0; j < d; j++) u[j] += vi * zt[rowI + j]!;
      }
      for (let i = k + 1; i < d; i++) {
        const f = b * A[rowK + i]!;
        const rowI = i * d;
        for (let j = 0; j < d; j++) zt[rowI + j] = zt[rowI + j]! - f * u[j]!;
      }
    }
  }

  // 2. Implicit QR on the tridiagonal (diag, off), largest unreduced block [l, m] from the bottom up.
  const EPS = Number.EPSILON;
  const negligible = (k: number): boolean =>
    Math.abs(off[k]!) <= EPS * (Math.abs(diag[k]!) + Math.abs(diag[k + 1]!)) || Math.abs(off[k]!) < 1e-300;
  let m = d - 1;
  let iterations = 0;
  const maxIterations = 50 * Math.max(1, d);
  while (m > 0) {
    if (negligible(m - 1)) {
      off[m - 1] = 0;
      m--;
      continue;
    }
    let l = m - 1;
    while (l > 0 && !negligible(l - 1)) l--;
    if (l > 0) off[l - 1] = 0;
    if (++iterations > maxIterations) {
      throw new GenforgeError(
        ERROR_CODES.BAD_NUMERIC_INPUT,
        `symmetric eigendecomposition of a ${d} × ${d} matrix did not converge after ${maxIterations} QR steps; ` +
          `the covariance is probably not finite`,
      );
    }
    // Wilkinson shift from the trailing 2 × 2 block.
    const delta = 0.5 * (diag[m - 1]! - diag[m]!);
    const bm = off[m - 1]!;
    const mu = diag[m]! - (bm * bm) / (delta + (delta >= 0 ? 1 : -1) * Math.hypot(delta, bm));
    let x = diag[l]! - mu;
    let z = off[l]!;
    for (let k = l; k < m; k++) {
      // Givens (c, s) with c·x − s·z = r, s·x + c·z = 0.
      let c: number;
      let s: number;
      if (z === 0) {
        c = 1;
        s = 0;
      } else if (Math.abs(z) > Math.abs(x)) {
        const t = -x / z;
        s = 1 / Math.sqrt(1 + t * t);
        c = s * t;
      } else {
        const t = -z / x;
        c = 1 / Math.sqrt(1 + t * t);
        s = c * t;
      }
      if (k > l) off[k - 1] = c * x - s * z;
      const ak = diag[k]!;
      const bk = off[k]!;
      const ak1 = diag[k + 1]!;
      diag[k] = c * c * ak - 2 * c * s * bk + s * s * ak1;
      diag[k + 1] = s * s * ak + 2 * c * s * bk + c * c * ak1;
      off[k] = c * s * (ak - ak1) + (c * c - s * s) * bk;
      if (k + 1 < m) {
        const next = off[k + 1]!;
        z = -s * next; // the bulge T[k][k+2]
        off[k + 1] = c * next;
        x = off[k]!;
      }
      if (zt) {
        const r0 = k * d;
        const r1 = r0 + d;
        for (let j = 0; j < d; j++) {
          const u0 = zt[r0 + j]!;
          const u1 = zt[r1 + j]!;
          zt[r0 + j] = c * u0 - s * u1;
          zt[r1 + j] = s * u0 + c * u1;
        }
      }
    }
  }
  return zt ? { values: diag, vectorsT: zt } : { values: diag };
}
