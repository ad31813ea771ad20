/**
 * Metric tests: reference values from /work/shared/reference/metrics (computed in float64 from the formulas
 * of the public reference implementations), closed forms, slow exact cross-checks on small random data, and
 * the error paths (too few samples, NaN with its position, dimension mismatch).
 */

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

import { ERROR_CODES, GenforgeError } from '../../src/errors.js';
import { setLogSink } from '../../src/log.js';
import {
  argmaxRows,
  classCoverage,
  classHistogram,
  distanceBlock,
  dotBlock,
  featuresFromRows,
  fid,
  fidFromStats,
  gaussianStats,
  inceptionScore,
  kid,
  labelAgreement,
  memorization,
  mmd2Unbiased,
  nearestNeighbours,
  percentile,
  prdc,
  rowSqNorms,
  selectRows,
  symmetricEigen,
  traceSqrtProduct,
  type Features,
} from '../../src/eval/metrics/index.js';
import { Rng } from '../../src/util/rng.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const refDir = join(repoRoot, '..', 'shared', 'reference', 'metrics');

const warnings: string[] = [];
setLogSink((level, msg) => {
  if (level === 'warn') warnings.push(msg);
});

interface Reference {
  name: string;
  real: number[][];
  fake: number[][];
  expected: {
    fid: number;
    kid_unbiased_full: number;
    prdc_k3: Record<'precision' | 'recall' | 'density' | 'coverage', number>;
    prdc_k5: Record<'precision' | 'recall' | 'density' | 'coverage', number>;
  };
}

const references: Reference[] = readdirSync(refDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(refDir, f), 'utf8')) as Reference);

function randomFeatures(rng: Rng, n: number, d: number, scale = 1, shift = 0): Features {
  const data = new Float64Array(n * d);
  const z = new Float32Array(n * d);
  rng.normal(z);
  for (let k = 0; k < n * d; k++) data[k] = z[k]! * scale + shift;
  return { n, d, data };
}

/** |a − b| ≤ rel·|b|, or ≤ abs when b is near 0. */
function assertClose(actual: number, expected: number, rel: number, abs: number, what: string): void {
  const tol = Math.max(abs, rel * Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (tolerance ${tol})`);
}

function expectError(fn: () => unknown, code: string, ...fragments: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof GenforgeError, `expected a GenforgeError, got ${String(e)}`);
    assert.equal(e.code, code);
    for (const f of fragments) assert.ok(e.message.includes(f), `message "${e.message}" lacks "${f}"`);
    return true;
  });
}

const exactDistance = (f: Features, i: number, g: Features, j: number): number => {
  let s = 0;
  for (let k = 0; k < f.d; k++) s += (f.data[i * f.d + k]! - g.data[j * g.d + k]!) ** 2;
  return Math.sqrt(s);
};

describe('reference values', () => {
  assert.ok(references.length >= 5, `expected the reference files in ${refDir}`);
  for (const ref of references) {
    const real = featuresFromRows(ref.real);
    const fake = featuresFromRows(ref.fake);
    it(`${ref.name}: FID`, () => {
      const { fid: value } = fid(real, fake);
      assert.ok(Number.isFinite(value) && value >= 0, `FID ${value} must be finite and ≥ 0`);
      assertClose(value, Math.max(0, ref.expected.fid), 1e-6, 1e-9, 'FID');
    });
    it(`${ref.name}: KID over the full sets`, () => {
      const full = kid(real, fake, { subsets: 1, subsetSize: 0 });
      assert.ok(Number.isFinite(full.mean));
      assertClose(full.mean, ref.expected.kid_unbiased_full, 1e-6, 1e-9, 'KID');
      assert.equal(full.std, 0);
      // A subset size ≥ both set sizes also means the whole sets, bitwise the same value.
      assert.equal(kid(real, fake, { subsets: 3, subsetSize: 100_000 }).mean, full.mean);
    });
    for (const k of [3, 5] as const) {
      it(`${ref.name}: PRDC k=${k} exactly`, () => {
        const r = prdc(real, fake, { kPrecisionRecall: k, kDensityCoverage: k });
        const e = ref.expected[`prdc_k${k}`];
        assert.equal(r.precision, e.precision);
        assert.equal(r.recall, e.recall);
        assert.equal(r.density, e.density);
        assert.equal(r.coverage, e.coverage);
      });
    }
  }
  it('default PRDC ks are 3 (precision, recall) and 5 (density, coverage)', () => {
    const ref = references.find((r) => r.name === 'gauss_shift')!;
    const r = prdc(featuresFromRows(ref.real), featuresFromRows(ref.fake));
    assert.equal(r.kPrecisionRecall, 3);
    assert.equal(r.kDensityCoverage, 5);
    assert.equal(r.precision, ref.expected.prdc_k3.precision);
    assert.equal(r.recall, ref.expected.prdc_k3.recall);
    assert.equal(r.density, ref.expected.prdc_k5.density);
    assert.equal(r.coverage, ref.expected.prdc_k5.coverage);
  });
});

describe('distance kernel', () => {
  const rng = new Rng(11);
  // Odd sizes exercise every remainder path of the 4 × 2 tiles and the column chunks.
  const a = randomFeatures(rng, 37, 13);
  const b = randomFeatures(rng, 301, 13);
  it('dotBlock matches a naive loop, including remainders and an offset window', () => {
    const out = new Float64Array(30 * 290);
    dotBlock(a, 5, 35, b, 7, 297, out);
    for (let i = 5; i < 35; i++) {
      for (let j = 7; j < 297; j++) {
        let s = 0;
        for (let k = 0; k < 13; k++) s += a.data[i * 13 + k]! * b.data[j * 13 + k]!;
        assert.equal(out[(i - 5) * 290 + (j - 7)], s);
      }
    }
  });
  it('distances are symmetric bitwise and exactly 0 from a row to itself', () => {
    const f = randomFeatures(rng, 23, 9);
    const norms = rowSqNorms(f);
    const block = new Float64Array(23 * 23);
    distanceBlock(f, norms, 0, 23, f, norms, block);
    for (let i = 0; i < 23; i++) {
      assert.equal(block[i * 23 + i], 0);
      for (let j = 0; j < 23; j++) {
        assert.equal(block[i * 23 + j], block[j * 23 + i]);
        assertClose(block[i * 23 + j]!, exactDistance(f, i, f, j), 1e-12, 1e-12, 'distance');
      }
    }
  });
  it('nearestNeighbours matches a brute-force search', () => {
    const q = randomFeatures(rng, 70, 6);
    const ref = randomFeatures(rng, 2500, 6); // > one 2048-row block
    const nn = nearestNeighbours(q, ref);
    for (let i = 0; i < q.n; i++) {
      let best = Infinity;
      let bj = -1;
      for (let j = 0; j < ref.n; j++) {
        const dist = exactDistance(q, i, ref, j);
        if (dist < best) [best, bj] = [dist, j];
      }
      assert.equal(nn.index[i], bj);
      assertClose(nn.distance[i]!, best, 1e-9, 1e-12, 'NN distance');
    }
  });
});

describe('symmetric eigendecomposition', () => {
  const rng = new Rng(12);
  const symmetric = (d: number): Float64Array => {
    const g = randomFeatures(rng, d, d).data;
    const a = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) a[i * d + j] = g[i * d + j]! + g[j * d + i]!;
    return a;
  };
  const lowRank = (d: number, r: number): Float64Array => {
    const x = randomFeatures(rng, d, r).data;
    const a = new Float64Array(d * d);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let k = 0; k < r; k++) s += x[i * r + k]! * x[j * r + k]!;
        a[i * d + j] = s;
      }
    }
    return a;
  };
  const diagonal = Float64Array.from([3, 0, 0, 0, -1, 0, 0, 0, 3]);
  const identity = Float64Array.from([1, 0, 0, 1]);
  const cases: Array<[string, Float64Array, number]> = [
    ['1 × 1', Float64Array.from([-2.5]), 1],
    ['2 × 2', symmetric(2), 2],
    ['diagonal with a repeated value', diagonal, 3],
    ['identity', identity, 2],
    ['zero', new Float64Array(16), 4],
    ['random 9 × 9', symmetric(9), 9],
    ['random 40 × 40', symmetric(40), 40],
    ['rank 3 of 12 (singular PSD)', lowRank(12, 3), 12],
  ];
  for (const [name, a, d] of cases) {
    it(`${name}: A = VΛVᵀ, V orthogonal, eigenvalues as ml-matrix's, values-only path the same`, () => {
      const { values, vectorsT: vt } = symmetricEigen(a, d, { vectors: true });
      const scale = Math.max(1, ...Array.from(a, Math.abs));
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          let rec = 0;
          let dot = 0;
          for (let k = 0; k < d; k++) {
            rec += vt![k * d + i]! * values[k]! * vt![k * d + j]!;
            dot += vt![i * d + k]! * vt![j * d + k]!;
          }
          assertClose(rec, a[i * d + j]!, 0, 1e-13 * scale * d, `A[${i}][${j}]`);
          assertClose(dot, i === j ? 1 : 0, 0, 1e-13 * d, `VᵀV[${i}][${j}]`);
        }
      }
      const sorted = Array.from(values).sort((x, y) => x - y);
      const rows = Array.from({ length: d }, (_, i) => Array.from(a.subarray(i * d, (i + 1) * d)));
      const ref = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true }).realEigenvalues.sort((x, y) => x - y);
      ref.forEach((v, i) => assertClose(sorted[i]!, v, 0, 1e-13 * scale * d, `λ${i}`));
      assert.deepEqual(Array.from(symmetricEigen(a, d).values).sort((x, y) => x - y), sorted);
    });
  }
});

describe('FID', () => {
  const rng = new Rng(1);
  it('is 0 for a set against itself', () => {
    const x = randomFeatures(rng, 300, 10, 2, 5);
    const r = fid(x, x);
    assert.ok(r.fid >= 0 && r.fid < 1e-9, `FID ${r.fid}`);
  });
  it('mean and unbiased covariance match a naive two-pass computation (across sample chunks and row blocks)', () => {
    const x = randomFeatures(rng, 1030, 70, 1, 3); // > 1,024 samples per chunk, > 64 rows per block
    const s = gaussianStats(x);
    const { n, d, data } = x;
    for (let a = 0; a < d; a++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += data[i * d + a]!;
      assertClose(s.mean[a]!, m / n, 1e-13, 1e-13, `mean ${a}`);
    }
    for (const [a, b] of [[0, 0], [0, 69], [69, 0], [63, 64], [64, 63], [35, 12], [69, 69]] as const) {
      let c = 0;
      for (let i = 0; i < n; i++) c += (data[i * d + a]! - s.mean[a]!) * (data[i * d + b]! - s.mean[b]!);
      assertClose(s.cov[a * d + b]!, c / (n - 1), 1e-12, 1e-13, `cov[${a}][${b}]`);
    }
  });
  it('matches the closed form for diagonal Gaussians', () => {
    // Σ₁ = diag(a), Σ₂ = diag(b): FID = ‖μ₁ − μ₂‖² + Σ (√aᵢ − √bᵢ)².
    const d = 4;
    const a = [1, 4, 0.25, 9];
    const b = [2, 1, 1, 16];
    const diag = (v: number[]): Float64Array => {
      const m = new Float64Array(d * d);
      v.forEach((x, i) => (m[i * d + i] = x));
      return m;
    };
    const s1 = { d, mean: Float64Array.from([0, 1, 2, 3]), cov: diag(a) };
    const s2 = { d, mean: Float64Array.from([1, 1, 0, 3]), cov: diag(b) };
    const expected = 1 + 4 + a.reduce((s, x, i) => s + (Math.sqrt(x) - Math.sqrt(b[i]!)) ** 2, 0);
    assertClose(fidFromStats(s1, s2).fid, expected, 1e-12, 1e-12, 'FID');
  });
  it('trace term agrees with the eigenvalues of Σ₁Σ₂ from a general (non-symmetric) solver', () => {
    for (const d of [2, 5, 8]) {
      const s1 = gaussianStats(randomFeatures(rng, 200, d, 1.5));
      const s2 = gaussianStats(randomFeatures(rng, 150, d, 0.7, 1));
      const toM = (c: Float64Array): Matrix =>
        new Matrix(Array.from({ length: d }, (_, i) => Array.from(c.subarray(i * d, (i + 1) * d))));
      const evd = new EigenvalueDecomposition(toM(s1.cov).mmul(toM(s2.cov)));
      for (const im of evd.imaginaryEigenvalues) assert.ok(Math.abs(im) < 1e-10);
      const brute = evd.realEigenvalues.reduce((s, l) => s + Math.sqrt(l), 0);
      assertClose(traceSqrtProduct(s1.cov, s2.cov, d), brute, 1e-10, 1e-12, `tr sqrt, d=${d}`);
    }
  });
  it('is symmetric in its arguments', () => {
    const x = randomFeatures(rng, 120, 6);
    const y = randomFeatures(rng, 90, 6, 1.3, 0.2);
    assertClose(fid(x, y).fid, fid(y, x).fid, 1e-10, 1e-12, 'FID');
  });
  it('warns when there are not more samples than dimensions, and stays finite and ≥ 0', () => {
    warnings.length = 0;
    const x = randomFeatures(rng, 8, 12);
    const y = randomFeatures(rng, 30, 12, 1, 0.5);
    const r = fid(x, y);
    assert.ok(Number.isFinite(r.fid) && r.fid >= 0);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /8 samples of 12 features.*singular/);
    warnings.length = 0;
    fid(y, y);
    assert.equal(warnings.length, 0);
  });
  it('rejects fewer than 2 samples, mismatched dimensions and non-finite features', () => {
    const ok = randomFeatures(rng, 10, 3);
    expectError(() => fid(randomFeatures(rng, 1, 3), ok), ERROR_CODES.BAD_NUMERIC_INPUT, 'real', 'at least 2');
    expectError(() => fid(ok, randomFeatures(rng, 1, 3)), ERROR_CODES.BAD_NUMERIC_INPUT, 'fake', 'at least 2');
    expectError(() => fid(ok, randomFeatures(rng, 10, 4)), ERROR_CODES.BAD_NUMERIC_INPUT, '3 dimensions', '4');
    const bad = randomFeatures(rng, 10, 3);
    bad.data[3 * 3 + 1] = NaN;
    expectError(() => fid(ok, bad), ERROR_CODES.BAD_NUMERIC_INPUT, 'fake', 'row 3, column 1', 'NaN');
    const inf = randomFeatures(rng, 10, 3);
    inf.data[7 * 3 + 2] = -Infinity;
    expectError(() => fid(inf, ok), ERROR_CODES.BAD_NUMERIC_INPUT, 'real', 'row 7, column 2', 'Infinity');
  });
});

/** MMD²ᵤ by the definition, one pair at a time. */
function naiveMmd(x: Features, y: Features): number {
  const k = (a: Features, i: number, b: Features, j: number): number => {
    let s = 0;
    for (let t = 0; t < a.d; t++) s += a.data[i * a.d + t]! * b.data[j * b.d + t]!;
    return (s / a.d + 1) ** 3;
  };
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let i = 0; i < x.n; i++) for (let j = 0; j < x.n; j++) if (i !== j) xx += k(x, i, x, j);
  for (let i = 0; i < y.n; i++) for (let j = 0; j < y.n; j++) if (i !== j) yy += k(y, i, y, j);
  for (let i = 0; i < x.n; i++) for (let j = 0; j < y.n; j++) xy += k(x, i, y, j);
  return xx / (x.n * (x.n - 1)) + yy / (y.n * (y.n - 1)) - (2 * xy) / (x.n * y.n);
}

describe('KID', () => {
  const rng = new Rng(2);
  const x = randomFeatures(rng, 41, 7);
  const y = randomFeatures(rng, 33, 7, 1.2, 0.3);
  it('matches a naive double loop over the full sets', () => {
    assertClose(mmd2Unbiased(x, y), naiveMmd(x, y), 1e-10, 1e-12, 'MMD²');
    assertClose(kid(x, y, { subsets: 1, subsetSize: 0 }).mean, naiveMmd(x, y), 1e-10, 1e-12, 'KID');
  });
  it('subsets are seeded draws without replacement, one permutation per set per subset', () => {
    const r = kid(x, y, { subsets: 6, subsetSize: 12, seed: 9 });
    const draw = new Rng(9);
    const expected = Array.from({ length: 6 }, () => {
      const xs = selectRows(x, draw.permutation(x.n), 12);
      const ys = selectRows(y, draw.permutation(y.n), 12);
      return naiveMmd(xs, ys);
    });
    expected.forEach((v, s) => assertClose(r.values[s]!, v, 1e-10, 1e-12, `subset ${s}`));
    const mean = expected.reduce((s, v) => s + v, 0) / 6;
    const std = Math.sqrt(expected.reduce((s, v) => s + (v - mean) ** 2, 0) / 6);
    assertClose(r.mean, mean, 1e-10, 1e-12, 'mean');
    assertClose(r.std, std, 1e-9, 1e-12, 'std');
    assert.deepEqual(kid(x, y, { subsets: 6, subsetSize: 12, seed: 9 }).values, r.values);
    assert.notDeepEqual(kid(x, y, { subsets: 6, subsetSize: 12, seed: 10 }).values, r.values);
  });
  it('rejects bad options and inputs', () => {
    expectError(() => kid(x, y, { subsetSize: 1 }), ERROR_CODES.BAD_CONFIG, 'subsetSize');
    expectError(() => kid(x, y, { subsets: 0 }), ERROR_CODES.BAD_CONFIG, 'subsets');
    const bad = selectRows(x, Array.from({ length: x.n }, (_, i) => i));
    bad.data[5] = NaN;
    expectError(() => kid(bad, y), ERROR_CODES.BAD_NUMERIC_INPUT, 'KID real', 'row 0, column 5');
  });
});

/** PRDC by the definitions, with exact differences and full sorts. */
function naivePrdc(real: Features, fake: Features, k: number): Record<string, number> {
  const radius = (f: Features): number[] =>
    Array.from({ length: f.n }, (_, i) =>
      Array.from({ length: f.n }, (_, j) => exactDistance(f, i, f, j)).sort((p, q) => p - q)[k]!,
    );
  const rr = radius(real);
  const rf = radius(fake);
  const D = Array.from({ length: real.n }, (_, i) => Array.from({ length: fake.n }, (_, j) => exactDistance(real, i, fake, j)));
  let precision = 0;
  for (let j = 0; j < fake.n; j++) if (D.some((row, i) => row[j]! < rr[i]!)) precision++;
  let recall = 0;
  for (let i = 0; i < real.n; i++) if (D[i]!.some((dist, j) => dist < rf[j]!)) recall++;
  let dens = 0;
  for (let i = 0; i < real.n; i++) for (let j = 0; j < fake.n; j++) if (D[i]![j]! < rr[i]!) dens++;
  let coverage = 0;
  for (let i = 0; i < real.n; i++) if (Math.min(...D[i]!) < rr[i]!) coverage++;
  return { precision: precision / fake.n, recall: recall / real.n, density: dens / (k * fake.n), coverage: coverage / real.n };
}

describe('PRDC', () => {
  const rng = new Rng(3);
  it('matches a naive implementation on random data', () => {
    const real = randomFeatures(rng, 70, 4);
    const fake = randomFeatures(rng, 55, 4, 1.3, 0.4);
    for (const k of [1, 3, 5]) {
      const r = prdc(real, fake, { kPrecisionRecall: k, kDensityCoverage: k });
      const e = naivePrdc(real, fake, k);
      assert.equal(r.precision, e.precision);
      assert.equal(r.recall, e.recall);
      assertClose(r.density, e.density!, 1e-15, 1e-15, 'density');
      assert.equal(r.coverage, e.coverage);
    }
  });
  it('rejects k that the sets cannot support', () => {
    const a = randomFeatures(rng, 5, 2);
    const b = randomFeatures(rng, 8, 2);
    expectError(() => prdc(a, b, { kDensityCoverage: 5 }), ERROR_CODES.BAD_CONFIG, 'kDensityCoverage', '1 to 4');
    expectError(() => prdc(a, b, { kPrecisionRecall: 0 }), ERROR_CODES.BAD_CONFIG, 'kPrecisionRecall');
  });
});

function oneHot(labels: number[], classes: number): Features {
  return featuresFromRows(labels.map((l) => Array.from({ length: classes }, (_, j) => (j === l ? 1 : 0))));
}

describe('Inception Score', () => {
  it('is the number of classes for confident predictions spread evenly over all classes', () => {
    const labels = Array.from({ length: 100 }, (_, i) => i % 10);
    assertClose(inceptionScore(oneHot(labels, 10), { splits: 1 }).mean, 10, 1e-12, 0, 'IS');
    const r = inceptionScore(oneHot(labels, 10), { splits: 5 }); // every split still holds each class twice
    assertClose(r.mean, 10, 1e-12, 0, 'IS');
    assertClose(r.std, 0, 0, 1e-12, 'std');
  });
  it('is 1 when every sample is the same class, and when every prediction is uniform', () => {
    assertClose(inceptionScore(oneHot(new Array(40).fill(3), 10)).mean, 1, 0, 1e-12, 'same class');
    assertClose(inceptionScore(featuresFromRows(new Array(20).fill([0.25, 0.25, 0.25, 0.25]))).mean, 1, 0, 1e-12, 'uniform');
  });
  it('matches the formula on soft predictions, with mean and std over near-equal splits', () => {
    const rng = new Rng(4);
    const rows = Array.from({ length: 23 }, () => {
      const v = Array.from({ length: 5 }, () => Math.exp(3 * rng.next()));
      const s = v.reduce((a, b) => a + b, 0);
      return v.map((x) => x / s);
    });
    const bounds = [0, 7, 15, 23]; // ⌊s·23/3⌋
    const scores = [0, 1, 2].map((s) => {
      const part = rows.slice(bounds[s], bounds[s + 1]);
      const py = [0, 1, 2, 3, 4].map((j) => part.reduce((a, r) => a + r[j]!, 0) / part.length);
      const kl = part.reduce((a, r) => a + r.reduce((b, p, j) => b + p * Math.log(p / py[j]!), 0), 0) / part.length;
      return Math.exp(kl);
    });
    const r = inceptionScore(featuresFromRows(rows), { splits: 3 });
    scores.forEach((v, s) => assertClose(r.values[s]!, v, 1e-12, 0, `split ${s}`));
    const mean = scores.reduce((a, b) => a + b, 0) / 3;
    assertClose(r.mean, mean, 1e-12, 0, 'mean');
    assertClose(r.std, Math.sqrt(scores.reduce((a, v) => a + (v - mean) ** 2, 0) / 3), 1e-9, 1e-15, 'std');
  });
  it('rejects logits and too many splits', () => {
    expectError(() => inceptionScore(featuresFromRows([[2, -1], [0.5, 0.5]]), { splits: 1 }), ERROR_CODES.BAD_NUMERIC_INPUT, 'row 0, class 1', 'logits');
    expectError(() => inceptionScore(featuresFromRows([[2, 1], [0.5, 0.5]]), { splits: 1 }), ERROR_CODES.BAD_NUMERIC_INPUT, 'row 0 sums to 3');
    expectError(() => inceptionScore(oneHot([0, 1], 2), { splits: 3 }), ERROR_CODES.BAD_CONFIG, 'splits');
  });
});

describe('class coverage and label agreement', () => {
  it('counts classes and applies the minimum share', () => {
    // 10 classes, 1,000 samples: a class needs ≥ 0.1 · 1/10 = 1 % = 10 samples.
    const labels = [...new Array(500).fill(0), ...new Array(481).fill(1), ...new Array(10).fill(2), ...new Array(9).fill(3)];
    assert.deepEqual(Array.from(classHistogram(labels, 10)), [500, 481, 10, 9, 0, 0, 0, 0, 0, 0]);
    const r = classCoverage(labels, 10);
    assert.equal(r.threshold, 0.01);
    assert.equal(r.covered, 3);
    assert.deepEqual(r.missing, [3, 4, 5, 6, 7, 8, 9]);
    assert.equal(classCoverage(labels, 10, { minShare: 0 }).covered, 4, 'minShare 0: any sample covers');
    expectError(() => classHistogram([0, 10], 10), ERROR_CODES.BAD_NUMERIC_INPUT, 'label 1 is 10');
  });
  it('argmaxRows and labelAgreement', () => {
    const pred = argmaxRows(featuresFromRows([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]]));
    assert.deepEqual(Array.from(pred), [1, 0, 1, 0]);
    const r = labelAgreement(pred, [1, 1, 1, 0], 3);
    assert.equal(r.agreement, 0.75);
    assert.equal(r.perClass[0], 1);
    assertClose(r.perClass[1]!, 2 / 3, 1e-15, 0, 'class 1');
    assert.ok(Number.isNaN(r.perClass[2]));
    expectError(() => labelAgreement([0], [0, 1], 2), ERROR_CODES.BAD_NUMERIC_INPUT, '1 predicted and 2 requested');
  });
});

describe('memorization', () => {
  const rng = new Rng(5);
  const train = randomFeatures(rng, 800, 16);
  const test = randomFeatures(rng, 300, 16);
  it('flags exact training copies as near copies and names the copied samples', () => {
    const fresh = randomFeatures(rng, 60, 16);
    const copiedFrom = Array.from({ length: 40 }, (_, i) => i * 17);
    const copies = selectRows(train, copiedFrom);
    const generated: Features = { n: 100, d: 16, data: new Float64Array(100 * 16) };
    generated.data.set(copies.data, 0);
    generated.data.set(fresh.data, 40 * 16);
    const r = memorization(generated, train, test, { closest: 5 });
    assert.ok(r.threshold > 0);
    assert.ok(r.nearCopyShare >= 0.4 && r.nearCopyShare <= 0.45, `share ${r.nearCopyShare}`);
    for (let i = 0; i < 40; i++) {
      assert.equal(r.generatedNearest[i], copiedFrom[i]);
      assert.ok(r.generatedToTrain[i]! < 1e-6);
    }
    assert.equal(r.closest.length, 5);
    for (const p of r.closest) {
      assert.ok(p.generated < 40 && p.train === copiedFrom[p.generated] && p.distance < 1e-6);
    }
  });
  it('finds no memorization for fresh samples from the same distribution', () => {
    const r = memorization(randomFeatures(rng, 300, 16), train, test);
    assert.ok(r.nearCopyShare < 0.05, `share ${r.nearCopyShare}`);
    assert.ok(r.ratio > 0.9 && r.ratio < 1.1, `ratio ${r.ratio}`);
    assertClose(r.medianTestToTrain, percentile(r.testToTrain, 50), 0, 0, 'median');
  });
  it('percentile interpolates linearly like numpy', () => {
    assert.equal(percentile([3, 1, 2, 4], 50), 2.5);
    assert.equal(percentile([10, 20, 30], 0), 10);
    assert.equal(percentile([10, 20, 30], 100), 30);
    assertClose(percentile([0, 10], 1), 0.1, 1e-12, 0, 'p1');
  });
  it('rejects mismatched dimensions and bad options', () => {
    expectError(() => memorization(randomFeatures(rng, 5, 15), train, test), ERROR_CODES.BAD_NUMERIC_INPUT, 'generated');
    expectError(() => memorization(test, train, test, { percentile: 101 }), ERROR_CODES.BAD_CONFIG, 'percentile');
  });
});
