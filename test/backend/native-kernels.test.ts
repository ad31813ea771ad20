/**
 * Parity of the `native` backend's kernels against the stock `cpu` kernels (the oracle) over a grid of
 * shapes, strides, paddings, channels, fused biases/activations and transposes; gradients of a small conv
 * model; a tensor-leak check over training steps; and the add-on's argument checks. Skips, saying why, when
 * the add-on is not built (npm run build:native).
 *
 * Relative error: max|native - cpu| / max(1, max|cpu|), at most 1e-4.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { registerNativeBackend } from '../../src/backend/native/index.js';
import { loadAddon, type NativeAddon } from '../../src/backend/native/addon.js';

const TOL = 1e-4;
/** Set by the variants test for its child runs: only the convolution grids run there. */
const CONV_ONLY = process.env.GENFORGE_NATIVE_TEST_SCOPE === 'conv';
const CONV_TESTS = new Set(['Conv2D grid', 'Conv2DBackpropInput grid (conv2d input gradient and conv2dTranspose)',
  'Conv2DBackpropFilter grid', 'DCGAN discriminator convolutions at batch 64 (forward and both gradients)',
  'FusedConv2D: bias and activations']);
const ok = await registerNativeBackend();
const SKIP = ok ? false : 'native add-on not built (build/Release/genforge_native.node missing): run npm run build:native';

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  let s = (seed * 2654435761) >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

interface Input {
  shape: number[];
  data: Float32Array;
}
function input(shape: number[], seed: number): Input {
  return { shape, data: values(shape.reduce((a, b) => a * b, 1), seed) };
}

/** Runs `fn` on `backend` with fresh tensors made from `inputs`; returns the outputs' values and shapes. */
async function runOn(backend: string, inputs: Input[], fn: (...t: tf.Tensor[]) => tf.Tensor | tf.Tensor[]) {
  await tf.setBackend(backend);
  const ts = inputs.map((i) => tf.tensor(i.data, i.shape));
  const outs = tf.tidy(() => fn(...ts));
  const list = Array.isArray(outs) ? outs : [outs];
  const res = list.map((t) => ({ shape: t.shape, data: t.dataSync() as Float32Array }));
  tf.dispose([...ts, ...list]);
  return res;
}

/** max|a - ref| / max(1, max|ref|) over finite values; equal values (also ±inf) and NaN vs NaN agree. */
function relErr(a: Float32Array, ref: Float32Array): number {
  let diff = 0, mag = 0;
  for (let i = 0; i < ref.length; i++) {
    const x = a[i]!, r = ref[i]!;
    if (x === r || (Number.isNaN(x) && Number.isNaN(r))) continue;
    diff = Math.max(diff, Number.isFinite(x) && Number.isFinite(r) ? Math.abs(x - r) : Infinity);
    mag = Math.max(mag, Math.abs(r));
  }
  return diff / Math.max(1, mag);
}

/** Counts the add-on's calls per entry point while `fn` runs (so a test proves the native path ran). */
async function counting<T>(fn: () => Promise<T>): Promise<[T, Record<string, number>]> {
  const addon = loadAddon() as NativeAddon;
  const counts: Record<string, number> = {};
  const saved: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(addon)) {
    if (typeof v !== 'function') continue;
    saved[k] = v;
    (addon as Record<string, unknown>)[k] = (...args: unknown[]) => {
      counts[k] = (counts[k] ?? 0) + 1;
      return (v as (...a: unknown[]) => unknown)(...args);
    };
  }
  try {
    return [await fn(), counts];
  } finally {
    Object.assign(addon, saved);
  }
}

async function assertParity(
  label: string,
  inputs: Input[],
  fn: (...t: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
  entry?: string,
): Promise<void> {
  const ref = await runOn('cpu', inputs, fn);
  const [got, counts] = await counting(() => runOn('native', inputs, fn));
  if (entry) assert.ok((counts[entry] ?? 0) > 0, `${label}: native ${entry} was not called (calls: ${JSON.stringify(counts)})`);
  assert.equal(got.length, ref.length);
  for (let i = 0; i < ref.length; i++) {
    assert.deepEqual(got[i]!.shape, ref[i]!.shape, `${label}: output ${i} shape`);
    const e = relErr(got[i]!.data, ref[i]!.data);
    assert.ok(e <= TOL, `${label}: output ${i} relative error ${e.toExponential(2)} > ${TOL}`);
  }
}

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
const EXPLICIT: Pad = [[0, 0], [1, 2], [2, 0], [0, 0]];
const PADS: Pad[] = ['same', 'valid', EXPLICIT];
const padName = (p: Pad) => (typeof p === 'string' ? p : 'explicit');

interface ConvCase {
  b: number; h: number; w: number; c: number; o: number; k: number; s: number; d: number; pad: Pad;
}
function convGrid(): ConvCase[] {
  const cases: ConvCase[] = [];
  for (const b of [1, 3])
    for (const [h, w] of [[7, 7], [8, 5]] as const)
      for (const c of [1, 3])
        for (const o of [1, 4])
          for (const [k, s, d] of [[1, 1, 1], [3, 1, 1], [3, 2, 1], [4, 2, 1], [3, 1, 2]] as const)
            for (const pad of PADS) {
              if (d > 1 && typeof pad !== 'string') continue; // TF.js: dilations with explicit pads are not supported
              cases.push({ b, h, w, c, o, k, s, d, pad });
            }
  return cases;
}
const caseName = (q: ConvCase) => `b${q.b} ${q.h}x${q.w}x${q.c}->${q.o} k${q.k} s${q.s} d${q.d} ${padName(q.pad)}`;

test('native kernels vs cpu', { skip: SKIP }, async (tc) => {
  const t = {
    test: (name: string, fn: () => void | Promise<void>) => tc.test(name, { skip: CONV_ONLY && !CONV_TESTS.has(name) }, fn),
  };
  await t.test('Conv2D grid', async () => {
    for (const q of convGrid()) {
      await assertParity(
        `Conv2D ${caseName(q)}`,
        [input([q.b, q.h, q.w, q.c], 1), input([q.k, q.k, q.c, q.o], 2)],
        (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, q.s, q.pad, 'NHWC', q.d),
        'conv2d',
      );
    }
  });

  await t.test('Conv2DBackpropInput grid (conv2d input gradient and conv2dTranspose)', async () => {
    for (const q of convGrid()) {
      if (q.d > 1) continue;
      const info = tf.backend_util.computeConv2DInfo([q.b, q.h, q.w, q.c], [q.k, q.k, q.c, q.o], q.s, 1, q.pad);
      await assertParity(
        `Conv2DBackpropInput ${caseName(q)}`,
        [input(info.outShape, 3), input([q.k, q.k, q.c, q.o], 4)],
        (dy, f) =>
          tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter: f }, {
            strides: q.s, pad: q.pad, dataFormat: 'NHWC', inputShape: [q.b, q.h, q.w, q.c],
          } as unknown as tf.NamedAttrMap) as tf.Tensor,
        'conv2dBackpropInput',
      );
    }
    // The generator's transposed convolutions, batch 64 and one odd size.
    for (const [b, h, ci, co] of [[64, 7, 16, 8], [64, 14, 8, 1], [2, 5, 3, 3]] as const) {
      await assertParity(
        `conv2dTranspose b${b} ${h}x${h}x${ci}->${co}`,
        [input([b, h, h, ci], 5), input([4, 4, co, ci], 6)],
        (x, f) => tf.conv2dTranspose(x as tf.Tensor4D, f as tf.Tensor4D, [b, 2 * h, 2 * h, co], 2, 'same'),
        'conv2dBackpropInput',
      );
    }
  });

  await t.test('Conv2DBackpropFilter grid', async () => {
    for (const q of convGrid()) {
      if (q.d > 1) continue;
      const info = tf.backend_util.computeConv2DInfo([q.b, q.h, q.w, q.c], [q.k, q.k, q.c, q.o], q.s, 1, q.pad);
      await assertParity(
        `Conv2DBackpropFilter ${caseName(q)}`,
        [input([q.b, q.h, q.w, q.c], 7), input(info.outShape, 8)],
        (x, dy) =>
          tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, {
            strides: q.s, pad: q.pad, dataFormat: 'NHWC', filterShape: [q.k, q.k, q.c, q.o],
          } as unknown as tf.NamedAttrMap) as tf.Tensor,
        'conv2dBackpropFilter',
      );
    }
  });

  await t.test('DCGAN discriminator convolutions at batch 64 (forward and both gradients)', async () => {
    for (const [h, ci, co] of [[28, 1, 16], [14, 16, 8]] as const) {
      await assertParity(
        `D conv ${h}x${h}x${ci}->${co}`,
        [input([64, h, h, ci], 9), input([4, 4, ci, co], 10)],
        (x, f) => {
          const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
            tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'))));
          return [tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 2, 'same'), ...g([x, f])];
        },
        'conv2dBackpropFilter',
      );
    }
  });

  await t.test('FusedConv2D: bias and activations', async () => {
    const acts = ['linear', 'relu', 'relu6', 'leakyrelu', 'sigmoid', 'elu', 'prelu'] as const;
    for (const activation of acts)
      for (const [s, pad] of [[1, 'same'], [2, 'valid'], [2, EXPLICIT]] as const)
        for (const withBias of [true, false]) {
          const ins = [input([2, 7, 6, 3], 11), input([3, 3, 3, 4], 12), input([4], 13), input([4], 14)];
          await assertParity(
            `FusedConv2D ${activation} s${s} ${padName(pad as Pad)} bias=${withBias}`,
            ins,
            (x, f, bias, alpha) =>
              tf.fused.conv2d({
                x: tf.mul(x, 4) as tf.Tensor4D, filter: f as tf.Tensor4D, strides: s, pad: pad as Pad,
                bias: withBias ? bias : undefined, activation, leakyreluAlpha: 0.3,
                preluActivationWeights: activation === 'prelu' ? alpha : undefined,
              }),
            activation === 'prelu' ? undefined : 'fusedConv2d',
          );
        }
  });

  await t.test('BatchMatMul: transposes, batches, broadcasting, odd sizes', async () => {
    const cases: [number[], number[], boolean, boolean][] = [
      [[1, 1], [1, 1], false, false],
      [[7, 5], [5, 3], false, false],
      [[5, 7], [5, 3], true, false],
      [[7, 5], [3, 5], false, true],
      [[5, 7], [3, 5], true, true],
      [[64, 100], [100, 96], false, false],
      [[64, 96], [64, 100], true, false],
      [[4, 7, 5], [4, 5, 3], false, false],
      [[4, 7, 5], [1, 5, 3], false, false],
      [[1, 5, 7], [4, 3, 5], true, true],
      [[2, 3, 7, 5], [2, 3, 5, 3], false, false],
    ];
    for (const [sa, sb, ta, tb] of cases) {
      await assertParity(
        `BatchMatMul ${sa}x${sb} tA=${ta} tB=${tb}`,
        [input(sa, 15), input(sb, 16)],
        (a, b) => tf.matMul(a, b, ta, tb),
        'batchMatMul',
      );
    }
  });

  await t.test('_FusedMatMul: bias and activations, transposes', async () => {
    for (const activation of ['linear', 'relu', 'relu6', 'leakyrelu', 'sigmoid', 'elu'] as const)
      for (const [ta, tb] of [[false, false], [true, true]] as const)
        for (const biasShape of [[6], [1], null]) {
          const sa = ta ? [5, 7] : [7, 5], sb = tb ? [6, 5] : [5, 6];
          await assertParity(
            `_FusedMatMul ${activation} tA=${ta} tB=${tb} bias=${biasShape}`,
            [input(sa, 17), input(sb, 18), input(biasShape ?? [6], 19)],
            (a, b, bias) =>
              tf.fused.matMul({
                a: tf.mul(a, 3), b, transposeA: ta, transposeB: tb, bias: biasShape ? bias : undefined,
                activation, leakyreluAlpha: 0.25,
              }),
            'fusedMatMul',
          );
        }
  });

  await t.test('binary arithmetic and comparisons with broadcasting', async () => {
    const pairs: [number[], number[]][] = [
      [[5], [5]], [[64, 6, 6, 8], [8]], [[1, 1, 1, 8], [64, 6, 6, 8]], [[3, 4, 5], []], [[], [7, 3]],
      [[3, 1, 5], [1, 4, 1]], [[6, 1], [1, 9]], [[300, 301], [301]],
      [[2, 3, 4, 5, 6, 7, 2], [1, 3, 1, 5, 1, 7, 1]], // 7 dims after merging: left to the stock kernel
    ];
    const ops: [string, string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
      ['add', 'add', tf.add], ['sub', 'sub', tf.sub], ['mul', 'multiply', tf.mul], ['div', 'realDiv', tf.div],
      ['squaredDifference', 'squaredDifference', tf.squaredDifference], ['maximum', 'maximum', tf.maximum],
      ['minimum', 'minimum', tf.minimum],
      ['greater', 'greater', (a, b) => tf.cast(tf.greater(a, b), 'float32')],
      ['lessEqual', 'lessEqual', (a, b) => tf.cast(tf.lessEqual(a, b), 'float32')],
      ['equal', 'equal', (a, b) => tf.cast(tf.equal(tf.round(a), tf.round(b)), 'float32')],
    ];
    for (const [sa, sb] of pairs)
      for (const [name, entry, op] of ops) {
        await assertParity(`${name} [${sa}] [${sb}]`, [input(sa, 41), input(sb, 42)],
          (a, b) => op(tf.mul(a, 3), name === 'div' ? tf.add(tf.abs(b), 0.5) : tf.mul(b, 3)), sa.length > 6 ? undefined : entry);
      }
  });

  await t.test('unary kernels', async () => {
    const ops: [string, (x: tf.Tensor) => tf.Tensor][] = [
      ['tanh', tf.tanh], ['sigmoid', tf.sigmoid], ['softplus', tf.softplus], ['exp', tf.exp], ['expm1', tf.expm1],
      ['log', (x) => tf.log(tf.add(tf.abs(x), 0.1))], ['log1p', (x) => tf.log1p(tf.abs(x))],
      ['sqrt', (x) => tf.sqrt(tf.abs(x))], ['rsqrt', (x) => tf.rsqrt(tf.add(tf.abs(x), 0.1))], ['square', tf.square],
      ['neg', tf.neg], ['abs', tf.abs], ['reciprocal', (x) => tf.reciprocal(tf.add(tf.abs(x), 0.1))],
      ['relu', tf.relu], ['relu6', tf.relu6], ['elu', tf.elu], ['leakyRelu', (x) => tf.leakyRelu(x, 0.2)],
      ['step', (x) => tf.step(x, 0.3)],
    ];
    for (const shape of [[7], [64, 14, 14, 8]])
      for (const [entry, op] of ops) {
        await assertParity(`${entry} [${shape}]`, [input(shape, 43)], (x) => op(tf.mul(x, 8)), entry);
      }
    // exp-based kernels at the edges of float range (native/elementwise.h fastExp).
    const edges = { shape: [14], data: Float32Array.from([-1e4, -100, -87.5, -50, -1e-3, 0, 1e-3, 20, 50, 88, 89, 1e4, NaN, Infinity]) };
    for (const [entry, op] of [['exp', tf.exp], ['tanh', tf.tanh], ['sigmoid', tf.sigmoid]] as const) {
      await assertParity(`${entry} edges`, [edges], (x) => (entry === 'exp' ? op(tf.minimum(x, 88)) : op(x)), entry);
    }
  });

  await t.test('reductions over axes (contiguous native, others stock)', async () => {
    const cases: [number[], number[], boolean][] = [
      [[64, 14, 14, 8], [0, 1, 2], false], [[64, 14, 14, 8], [0, 1, 2], true], [[64, 300], [0], true],
      [[64, 300], [1], false], [[7], [0], false], [[3, 4, 5], [1], false], [[3, 1, 5], [0, 1], true],
      [[3, 4, 5], [0, 2], false], [[2, 3, 4, 5], [1, 2], true], [[5, 1], [0], false],
    ];
    const ops: [string, (x: tf.Tensor, axes: number[], keep: boolean) => tf.Tensor][] = [
      ['sum', tf.sum], ['mean', tf.mean], ['max', tf.max], ['min', tf.min], ['prod', (x, a, k) => tf.prod(tf.add(tf.mul(x, 0.1), 1), a, k)],
    ];
    for (const [shape, axes, keep] of cases)
      for (const [entry, op] of ops) {
        const contiguous = !(shape.length === 3 && axes.length === 2 && axes[0] === 0 && axes[1] === 2 && shape[1] !== 1);
        await assertParity(`${entry} [${shape}] axes ${axes} keepDims=${keep}`, [input(shape, 44)],
          (x) => op(x, axes, keep), contiguous ? entry : undefined);
      }
  });

  await t.test('Select, Tile, FusedBatchNorm', async () => {
    for (const shape of [[9], [64, 6, 6, 8]]) {
      await assertParity(`select [${shape}]`, [input(shape, 45), input(shape, 46), input(shape, 47)],
        (c, a, b) => tf.where(tf.greater(c, 0), a, b), 'select');
    }
    for (const [shape, reps] of [[[1, 1, 1, 8], [64, 6, 6, 1]], [[3, 2], [2, 3]], [[2, 3, 1], [1, 2, 5]]] as const) {
      await assertParity(`tile [${shape}] x [${reps}]`, [input([...shape], 48)], (x) => tf.tile(x, [...reps]), 'tile');
    }
    for (const [shape, pshape] of [[[64, 6, 6, 8], [8]], [[64, 300], [300]], [[4, 5, 6], [1]], [[4, 6], [3]]] as const) {
      await assertParity(`batchNorm [${shape}] params [${pshape}]`,
        [input([...shape], 49), input([...pshape], 50), input([...pshape], 51), input([...pshape], 52), input([...pshape], 53)],
        (x, m, v, o, sc) => tf.batchNorm(x, m, tf.add(tf.abs(v), 0.1), o, sc, 1e-5), 'fusedBatchNorm');
    }
  });

  await t.test('gradients of a small conv model are equal on cpu and native', async () => {
    const grads = async (backend: string) => {
      await tf.setBackend(backend);
      const w1 = tf.variable(tf.tensor(values(3 * 3 * 3 * 8, 21), [3, 3, 3, 8]), true, 'w1' + backend);
      const b1 = tf.variable(tf.tensor(values(8, 22), [8]), true, 'b1' + backend);
      const w2 = tf.variable(tf.tensor(values(4 * 4 * 2 * 8, 23), [4, 4, 2, 8]), true, 'w2' + backend);
      const wd = tf.variable(tf.tensor(values(10 * 10 * 2 * 1, 24), [200, 1]), true, 'wd' + backend);
      const x = tf.tensor(values(4 * 9 * 9 * 3, 25), [4, 9, 9, 3]) as tf.Tensor4D;
      const { value, grads: g } = tf.variableGrads(() => {
        const h = tf.fused.conv2d({ x, filter: w1 as tf.Tensor4D, strides: 2, pad: 'same', bias: b1, activation: 'leakyrelu', leakyreluAlpha: 0.2 });
        const u = tf.leakyRelu(tf.conv2dTranspose(h, w2 as tf.Tensor4D, [4, 10, 10, 2], 2, 'same'), 0.2);
        return tf.mean(tf.sigmoid(tf.matMul(tf.reshape(u, [4, 200]), wd))) as tf.Scalar;
      });
      const out = [value, g['w1' + backend]!, g['b1' + backend]!, g['w2' + backend]!, g['wd' + backend]!].map((t) => t.dataSync() as Float32Array);
      tf.dispose([value, ...Object.values(g), w1, b1, w2, wd, x]);
      return out;
    };
    const ref = await grads('cpu');
    const [got, counts] = await counting(() => grads('native'));
    assert.ok((counts.conv2dBackpropFilter ?? 0) >= 2 && (counts.conv2dBackpropInput ?? 0) >= 1 && (counts.conv2d ?? 0) >= 2, JSON.stringify(counts));
    ref.forEach((r, i) => {
      const e = relErr(got[i]!, r);
      assert.ok(e <= TOL, `gradient ${i}: relative error ${e.toExponential(2)}`);
    });
  });

  await t.test('no tensor leak across training steps on native', async () => {
    await tf.setBackend('native');
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, strides: 2, padding: 'same' }),
        tf.layers.batchNormalization(),
        tf.layers.leakyReLU({ alpha: 0.2 }),
        tf.layers.conv2dTranspose({ filters: 1, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 1 }),
      ],
    });
    const opt = tf.train.adam(2e-4, 0.5);
    const x = tf.tensor(values(4 * 64, 31), [4, 8, 8, 1]);
    const y = tf.ones([4, 1]);
    const step = () =>
      tf.tidy(() => {
        opt.minimize(() => tf.losses.sigmoidCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
      });
    step(); // the optimizer creates its slots on the first step
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([x, y]);
    opt.dispose();
    model.dispose();
  });

  await t.test('recycled output buffers never change what a caller holds', async () => {
    await tf.setBackend('native');
    const n = 1 << 16;
    const a = tf.tensor(values(n, 61), [256, 256]);
    const b = tf.tensor(values(n, 62), [256, 256]);
    // 1. A dataSync() result kept after dispose.
    const t = tf.add(a, b);
    const kept = t.dataSync(); // must be a copy, not the pooled buffer
    const expected = Float32Array.from(kept);
    t.dispose();
    for (let i = 0; i < 4; i++) tf.dispose(tf.mul(a, i)); // same-size outputs: would reuse t's buffer if freed
    assert.deepEqual(kept, expected);
    // 2. A tensor that views another's buffer (the stock Slice returns a subarray) outlives it.
    const u = tf.add(a, b);
    const view = tf.slice(u, [128, 0], [64, 256]);
    const viewExpected = Float32Array.from(view.dataSync());
    u.dispose();
    for (let i = 0; i < 4; i++) tf.dispose(tf.mul(a, i));
    assert.deepEqual(view.dataSync(), viewExpected);
    view.dispose();
    const again = tf.sub(a, b); // now t's buffer may be reused: its values must be fully rewritten
    const ref = tf.tidy(() => { const x = a.dataSync(), y = b.dataSync(); return Float32Array.from(x, (v, i) => v - y[i]!); });
    assert.ok(relErr(again.dataSync() as Float32Array, ref) === 0);
    tf.dispose([a, b, again]);
  });

  await t.test('every convolution variant (oneDNN layout, NHWC, im2col+sgemm) passes the conv grids', () => {
    if (CONV_ONLY) return;
    // The first call of a shape keeps the fastest variant, so which one the grids above exercised depends on
    // timing; here each is forced in a child run (GENFORGE_NATIVE_LAYOUT is read once per process).
    for (const variant of ['any', 'nhwc', 'gemm']) {
      const env: NodeJS.ProcessEnv = { ...process.env, GENFORGE_NATIVE_LAYOUT: variant, GENFORGE_NATIVE_TEST_SCOPE: 'conv' };
      delete env.NODE_TEST_CONTEXT; // else the child reports to this runner's protocol instead of printing
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', fileURLToPath(import.meta.url)], {
        env,
        encoding: 'utf8',
      });
      const summary = /# pass (\d+)[\s\S]*# fail (\d+)/.exec(r.stdout);
      assert.ok(summary && Number(summary[2]) === 0 && Number(summary[1]) > 0 && r.status === 0,
        `variant ${variant}: ${r.stdout.split('\n').filter((l) => /not ok|error:/.test(l)).slice(0, 6).join(' | ')}`);
    }
  });

  await t.test('matmul at the G dense shape does not corrupt the heap (oneDNN 2.6.3 dnnl_sgemm did)', () => {
    if (CONV_ONLY) return;
    // With dnnl_sgemm, 64x100 * 100x6272 made glibc abort ("corrupted size vs. prev_size") within a few
    // hundred calls once the heap was laid out as under --cpu-prof; BatchMatMul now runs on OpenBLAS.
    const script = [
      "import * as tf from '@tensorflow/tfjs';",
      `const { registerNativeBackend } = await import(${JSON.stringify(new URL('../../src/backend/native/index.ts', import.meta.url).href)});`,
      "await registerNativeBackend(); await tf.setBackend('native');",
      'const a = tf.ones([64, 100]), b = tf.ones([100, 6272]); const keep = [];',
      'for (let i = 0; i < 200; i++) { tf.tidy(() => tf.matMul(a, b).dataSync()); keep.push(new Float32Array(1000 + i)); if (keep.length > 50) keep.shift(); }',
      "console.log('done');",
    ].join('\n');
    const dir = fileURLToPath(new URL('../../.cache/', import.meta.url));
    const r = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}cpu-prof`, '--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)), encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
    rmSync(`${dir}cpu-prof`, { recursive: true, force: true });
    assert.equal(r.status, 0, `child exited ${r.status} ${r.signal ?? ''}: ${r.stderr.slice(-300)}`);
    assert.match(r.stdout, /done/);
  });

  await t.test('native entry points reject bad arguments with plain JS errors', () => {
    const addon = loadAddon() as NativeAddon;
    const geom = Int32Array.from([1, 4, 4, 1, 3, 3, 1, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1]);
    const f = (n: number) => new Float32Array(n);
    addon.conv2d(f(16), f(9), f(16), geom); // well-formed: no throw
    assert.throws(() => addon.conv2d(f(15), f(9), f(16), geom), /x must have 16 elements/);
    assert.throws(() => addon.conv2d(f(16), f(9), f(16), new Int32Array(3)), /conv geometry must have 17/);
    assert.throws(() => addon.conv2d([] as unknown as Float32Array, f(9), f(16), geom), /must be a Float32Array/);
    assert.throws(() => addon.conv2dBackpropFilter(f(16), f(16), f(8), geom), /dw must have 9 elements/);
    assert.throws(() => addon.batchMatMul(f(6), f(6), f(4), Int32Array.from([2, 3, 1, 2, 3, 0, 0])), /do not broadcast/);
    assert.throws(() => addon.fusedMatMul(f(6), f(6), f(3), f(4), Int32Array.from([1, 1, 2, 2, 3, 0, 0]), 0, 0), /bias must have N=2/);
    assert.throws(() => addon.fusedConv2d(f(16), f(9), null, f(16), geom, 9, 0), /activation must be an integer/);
    const layout = Int32Array.from([1, 1, 1, 1, 1, 4, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
    (addon.add as (...a: unknown[]) => void)(f(4), f(4), f(4), layout); // well-formed
    assert.throws(() => (addon.add as (...a: unknown[]) => void)(f(3), f(4), f(4), layout), /layout reads past an input/);
    assert.throws(() => (addon.greater as (...a: unknown[]) => void)(f(4), f(4), f(4), layout), /must be a Uint8Array/);
    assert.throws(() => (addon.sum as (...a: unknown[]) => void)(f(6), f(2), Int32Array.from([2, 3, 2])), /x must have 12/);
    assert.throws(() => (addon.tanh as (...a: unknown[]) => void)(f(6), f(5), 0), /out must have 6/);
  });
});
