/**
 * Fréchet Inception Distance (Heusel et al., "GANs Trained by a Two Time-Scale Update Rule Converge to a
 * Local Nash Equilibrium", NeurIPS 2017): the Fréchet distance between Gaussians fitted to two feature sets,
 *
 *   FID = ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁Σ₂)^{1/2}.
 *
 * Everything is float64. Covariances are unbiased (divide by n − 1). The trace term uses symmetric
 * eigendecompositions only (./linalg.ts), so it is real and exact up to rounding: no iterative matrix square
 * root (Newton–Schulz) and no complex numbers. With S = Σ₁^{1/2} from eigh of Σ₁, M = S Σ₂ S is symmetric
 * positive semi-definite with the same eigenvalues as Σ₁Σ₂ (AB and BA share eigenvalues), so
 * tr (Σ₁Σ₂)^{1/2} = Σᵢ √max(λᵢ(M), 0).
 * Rounding can leave tiny negative eigenvalues (singular covariances) and a tiny negative FID (identical
 * sets): both are clamped to 0.
 */

import { log } from '../../log.js';
import { checkFeatures, checkSameDim, type Features } from './features.js';
import { dotBlock } from './distance.js';
import { symmetricEigen } from './linalg.js';

/** Samples per chunk of the covariance sum: a [d, 1024] transposed chunk is 16 MB at d = 2048. */
const COV_SAMPLE_CHUNK = 1024;
const COV_ROW_BLOCK = 64;

/** Mean and unbiased covariance of a feature set. */
export interface GaussianStats {
  readonly d: number;
  /** [d] */
  readonly mean: Float64Array;
  /** [d, d] row-major, divided by n − 1. */
  readonly cov: Float64Array;
}

export interface FidResult {
  readonly fid: number;
  /** ‖μ₁ − μ₂‖² */
  readonly meanTerm: number;
  /** tr Σ₁ + tr Σ₂ − 2 tr (Σ₁Σ₂)^{1/2} */
  readonly covTerm: number;
}

/** Mean and unbiased covariance (two passes: mean, then centred XᵀX / (n − 1) by sample chunks). Needs n ≥ 2. */
export function gaussianStats(f: Features, what = 'features'): GaussianStats {
  checkFeatures(f, what, 2);
  const { n, d, data } = f;
  if (n <= d) {
    log.warn(
      `${what}: ${n} samples of ${d} features, so the covariance has rank at most ${n - 1} < ${d} and is ` +
        `singular; FID is still computed but is biased and unstable: use more samples than feature dimensions`,
    );
  }
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j] /= n;
  // XᵀX accumulated over chunks of samples: each chunk is centred and transposed to Xcᵀ [d, c], so that
  // cov[a][b] is a dot product of rows a and b; only the upper triangle (b ≥ row block start) is computed.
  const chunk = Math.max(1, Math.min(n, COV_SAMPLE_CHUNK));
  const xt = new Float64Array(d * chunk);
  const buf = new Float64Array(COV_ROW_BLOCK * d);
  const cov = new Float64Array(d * d);
  for (let s0 = 0; s0 < n; s0 += chunk) {
    const c = Math.min(chunk, n - s0);
    for (let i = 0; i < c; i++) {
      for (let j = 0; j < d; j++) xt[j * c + i] = data[(s0 + i) * d + j]! - mean[j]!;
    }
    const cols: Features = { n: d, d: c, data: xt };
    for (let a0 = 0; a0 < d; a0 += COV_ROW_BLOCK) {
      const a1 = Math.min(d, a0 + COV_ROW_BLOCK);
      const w = d - a0;
      dotBlock(cols, a0, a1, cols, a0, d, buf);
      for (let a = a0; a < a1; a++) {
        for (let b = a; b < d; b++) cov[a * d + b] += buf[(a - a0) * w + (b - a0)]!;
      }
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      cov[a * d + b] /= n - 1;
      cov[b * d + a] = cov[a * d + b]!;
    }
  }
  return { d, mean, cov };
}

/** FID between two feature sets (real first by convention; the distance is symmetric). */
export function fid(real: Features, fake: Features): FidResult {
  checkFeatures(real, 'FID real features', 2);
  checkFeatures(fake, 'FID fake features', 2);
  checkSameDim(real, fake, 'FID');
  return fidFromStats(gaussianStats(real, 'FID real features'), gaussianStats(fake, 'FID fake features'));
}

/** FID from precomputed statistics (e.g. cached statistics of a training set). */
export function fidFromStats(s1: GaussianStats, s2: GaussianStats): FidResult {
  const d = s1.d;
  let meanTerm = 0;
  for (let j = 0; j < d; j++) {
    const diff = s1.mean[j]! - s2.mean[j]!;
    meanTerm += diff * diff;
  }
  let tr1 = 0;
  let tr2 = 0;
  for (let j = 0; j < d; j++) {
    tr1 += s1.cov[j * d + j]!;
    tr2 += s2.cov[j * d + j]!;
  }
  const covTerm = tr1 + tr2 - 2 * traceSqrtProduct(s1.cov, s2.cov, d);
  const raw = meanTerm + covTerm;
  // A negative FID can only come from rounding; anything beyond rounding would be a bug worth a warning.
  if (raw < -1e-9 * Math.max(1, tr1 + tr2 + meanTerm)) {
    log.warn(`FID came out as ${raw}, below the rounding tolerance; reported as 0`);
  }
  return { fid: Math.max(0, raw), meanTerm, covTerm };
}

/** tr (AB)^{1/2} for symmetric positive semi-definite A, B ([d, d] row-major), via two eighs. */
export function traceSqrtProduct(a: Float64Array, b: Float64Array, d: number): number {
  const sqrtA = symmetricSqrt(a, d);
  // A^{1/2}, B and M are symmetric, so every product is rows against rows: (XY)[i][j] = X[i] · Y[j].
  const S: Features = { n: d, d, data: sqrtA };
  const sb = new Float64Array(d * d);
  dotBlock(S, 0, d, { n: d, d, data: b }, 0, d, sb); // S·B
  const M = new Float64Array(d * d);
  dotBlock({ n: d, d, data: sb }, 0, d, S, 0, d, M); // (S·B)·S
  // Symmetrise away the rounding of the two products before the symmetric solver sees it.
  const m = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) m[i * d + j] = 0.5 * (M[i * d + j]! + M[j * d + i]!);
  }
  // Only the eigenvalues of M are needed: no eigenvectors, about a sixth of the work.
  let tr = 0;
  for (const lambda of symmetricEigen(m, d).values) tr += Math.sqrt(Math.max(lambda, 0));
  return tr;
}

/** A^{1/2} = V diag(√max(λ, 0)) Vᵀ for symmetric A ([d, d] row-major). */
export function symmetricSqrt(a: Float64Array, d: number): Float64Array {
  const { values, vectorsT } = symmetricEigen(a, d, { vectors: true });
  // out[i][j] = Σ_k V[i][k] √λ_k V[j][k]: rows of V·diag(√λ) against rows of V (V = vectorsTᵀ).
  const v = new Float64Array(d * d);
  const vs = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    const root = Math.sqrt(Math.max(values[k]!, 0));
    for (let i = 0; i < d; i++) {
      const x = vectorsT![k * d + i]!;
      v[i * d + k] = x;
      vs[i * d + k] = x * root;
    }
  }
  const out = new Float64Array(d * d);
  dotBlock({ n: d, d, data: vs }, 0, d, { n: d, d, data: v }, 0, d, out);
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) out[j * d + i] = out[i * d + j]!;
  return out;
}
