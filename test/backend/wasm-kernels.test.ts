/**
 * Parity of the wasm training kernels (src/backend/wasm) with the stock TF.js `cpu` kernels, which stay the
 * oracle. Error measure: rel(a, b) = max|a − b| / max(1, max|b|), b from cpu; it must be ≤ 1e-4.
 * Also: the gradients of a tiny conv model agree across backends, and repeated training-like calls leak
 * neither engine tensors nor backend data (intermediates of composed kernels are backend data only).
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from '../../src/backend/wasm/index.js';

const TOL = 1e-4;
type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

/** Deterministic values in [-1, 1) (LCG), so a failure reproduces. */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function rel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'result sizes differ');
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return Number.isNaN(diff) ? Infinity : diff / Math.max(1, scale);
}

/** Run one kernel on a backend from plain arrays; returns values and shape. */
async function runOn(
  backend: 'cpu' | 'wasm',
  kernel: string,
  inputs: Record<string, { shape: number[]; data: Float32Array }>,
  attrs: Record<string, unknown>,
): Promise<{ data: Float32Array; shape: number[] }> {
  await tf.setBackend(backend);
  const tensors: Record<string, tf.Tensor> = {};
  for (const [k, v] of Object.entries(inputs)) tensors[k] = tf.tensor(v.data, v.shape);
  const out = tf.engine().runKernel(kernel, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
  const result = { data: out.dataSync() as Float32Array, shape: out.shape };
  tf.dispose([out, ...Object.values(tensors)]);
  return result;
}

async function compare(
  kernel: string,
  inputs: Record<string, { shape: number[]; data: Float32Array }>,
  attrs: Record<string, unknown>,
  label: string,
): Promise<void> {
  const want = await runOn('cpu', kernel, inputs, attrs);
  const got = await runOn('wasm', kernel, inputs, attrs);
  assert.deepEqual(got.shape, want.shape, `${label}: shape`);
  const r = rel(got.data, want.data);
  assert.ok(r <= TOL, `${label}: rel error ${r.toExponential(2)} > ${TOL}`);
}

/** Output size of a forward conv, from cpu's own shape logic. */
function convOut(xShape: number[], fShape: number[], s: number, pad: Pad): number[] {
  return tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number], fShape as [number, number, number, number], s, 1, pad).outShape;
}

before(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmTrainingKernels();
  registerWasmTrainingKernels(); // idempotent
  await tf.setBackend('cpu');
  await tf.ready();
});

describe('registration and arguments', () => {
  test('our kernels are the ones the wasm backend dispatches', () => {
    for (const config of WASM_TRAINING_KERNELS) {
      assert.equal(tf.getKernel(config.kernelName, 'wasm')?.kernelFunc, config.kernelFunc, config.kernelName);
    }
  });
  test('bad dataFormat and mismatched dy are plain errors that say what was expected', async () => {
    await tf.setBackend('wasm');
    const dy = tf.zeros([1, 3, 3, 2]);
    const filter = tf.zeros([3, 3, 1, 2]);
    const x = tf.zeros([1, 5, 5, 1]);
    const run = (kernel: string, inputs: tf.NamedTensorMap, attrs: Record<string, unknown>) => () =>
      tf.engine().runKernel(kernel, inputs, attrs as tf.NamedAttrMap);
    assert.throws(
      run('Conv2DBackpropInput', { dy, filter }, { inputShape: [1, 5, 5, 1], strides: 2, pad: 'same', dataFormat: 'NWHC' }),
      /dataFormat must be 'NHWC' or 'NCHW', got 'NWHC'/,
    );
    assert.throws(
      run('Conv2DBackpropInput', { dy, filter }, { inputShape: [1, 9, 9, 1], strides: 2, pad: 'same', dataFormat: 'NHWC' }),
      /dy has shape \[1,3,3,2\], expected \[1,5,5,2\]/,
    );
    assert.throws(
      run('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 1, 2] }),
      /dy has shape \[1,3,3,2\], expected \[1,5,5,2\]/,
    );
    tf.dispose([dy, filter, x]);
  });
});

// The grid: every (stride, padding, kernel) with input sizes 5×7 and 13×13; batch, in- and out-channels
// cycle through their values across cases so each value meets every stride/padding/kernel.
const PADS: Array<[string, Pad]> = [
  ['same', 'same'],
  ['valid', 'valid'],
  // Explicit, uneven, and larger than k − 1 for small k (parts of dy that meet no input row).
  ['explicit', [[0, 0], [2, 1], [0, 3], [0, 0]]],
];
const CASES: Array<{ B: number; H: number; W: number; Ci: number; Co: number; k: number; s: number; pad: Pad; label: string }> = [];
{
  let i = 0;
  for (const s of [1, 2, 3])
    for (const [padName, pad] of PADS)
      for (const k of [1, 3, 4, 5])
        for (const [H, W] of [[5, 7], [13, 13]]) {
          const B = [1, 2, 4][i % 3];
          const Ci = [1, 3][i % 2];
          const Co = [1, 2, 5][Math.floor(i / 2) % 3];
          i++;
          if (padName === 'valid' && (k > H || k > W)) continue;
          CASES.push({ B, H, W, Ci, Co, k, s, pad, label: `B${B} ${H}×${W}×${Ci} k${k} s${s} ${padName} Co${Co}` });
        }
}
// DCGAN shapes at a larger batch, and a non-square stride.
CASES.push({ B: 8, H: 14, W: 14, Ci: 64, Co: 128, k: 4, s: 2, pad: 'same', label: 'DCGAN conv2 B8' });
CASES.push({ B: 8, H: 28, W: 28, Ci: 1, Co: 64, k: 4, s: 2, pad: 'same', label: 'DCGAN conv1 B8' });

describe('Conv2DBackpropInput vs cpu', () => {
  CASES.forEach((c, n) =>
    test(c.label, async () => {
      const fShape = [c.k, c.k, c.Ci, c.Co];
      const dyShape = convOut([c.B, c.H, c.W, c.Ci], fShape, c.s, c.pad);
      await compare(
        'Conv2DBackpropInput',
        { dy: { shape: dyShape, data: values(size(dyShape), n) }, filter: { shape: fShape, data: values(size(fShape), n + 1000) } },
        { inputShape: [c.B, c.H, c.W, c.Ci], strides: c.s, pad: c.pad, dataFormat: 'NHWC' },
        c.label,
      );
    }),
  );
  // Enough input channels (kh·kw·Ci > 128) for the phase-conv route rather than col2im.
  for (const s of [1, 2, 3])
    for (const [padName, pad] of PADS)
      for (const k of [3, 4, 5])
        for (const [H, W] of [[5, 7], [13, 13]]) {
          if (padName === 'valid' && k > H) continue;
          const label = `phase route: B2 ${H}×${W}×16 k${k} s${s} ${padName} Co3`;
          test(label, async () => {
            const fShape = [k, k, 16, 3];
            const dyShape = convOut([2, H, W, 16], fShape, s, pad);
            await compare(
              'Conv2DBackpropInput',
              { dy: { shape: dyShape, data: values(size(dyShape), s * 10 + k) }, filter: { shape: fShape, data: values(size(fShape), H * k) } },
              { inputShape: [2, H, W, 16], strides: s, pad, dataFormat: 'NHWC' },
              label,
            );
          });
        }
  test('phase route, NCHW, non-square stride [3, 2], kernel 5×4', async () => {
    const fShape = [5, 4, 8, 3];
    const dyShape = tf.backend_util.computeConv2DInfo([2, 11, 9, 8], [5, 4, 8, 3], [3, 2], 1, 'same').outShape;
    const dyNchw = [dyShape[0], dyShape[3], dyShape[1], dyShape[2]];
    await compare(
      'Conv2DBackpropInput',
      { dy: { shape: dyNchw, data: values(size(dyNchw), 9) }, filter: { shape: fShape, data: values(size(fShape), 10) } },
      { inputShape: [2, 8, 11, 9], strides: [3, 2], pad: 'same', dataFormat: 'NCHW' },
      'phase NCHW',
    );
  });
  test('non-square stride [2, 3], kernel 3×4', async () => {
    const fShape = [3, 4, 2, 3];
    const dyShape = tf.backend_util.computeConv2DInfo([2, 9, 11, 2], [3, 4, 2, 3], [2, 3], 1, 'same').outShape;
    await compare(
      'Conv2DBackpropInput',
      { dy: { shape: dyShape, data: values(size(dyShape), 7) }, filter: { shape: fShape, data: values(size(fShape), 8) } },
      { inputShape: [2, 9, 11, 2], strides: [2, 3], pad: 'same', dataFormat: 'NHWC' },
      'stride [2,3]',
    );
  });
  test('NCHW', async () => {
    const fShape = [3, 3, 2, 4];
    const dyShape = [2, 4, 4, 5]; // [B, Co, Ho, Wo] for x [2, 2, 7, 9], stride 2, same
    await compare(
      'Conv2DBackpropInput',
      { dy: { shape: dyShape, data: values(size(dyShape), 3) }, filter: { shape: fShape, data: values(size(fShape), 4) } },
      { inputShape: [2, 2, 7, 9], strides: 2, pad: 'same', dataFormat: 'NCHW' },
      'NCHW',
    );
  });
});

describe('Conv2DBackpropFilter vs cpu', () => {
  CASES.forEach((c, n) =>
    test(c.label, async () => {
      const xShape = [c.B, c.H, c.W, c.Ci];
      const fShape = [c.k, c.k, c.Ci, c.Co];
      const dyShape = convOut(xShape, fShape, c.s, c.pad);
      await compare(
        'Conv2DBackpropFilter',
        { x: { shape: xShape, data: values(size(xShape), n + 2000) }, dy: { shape: dyShape, data: values(size(dyShape), n + 3000) } },
        { strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape: fShape },
        c.label,
      );
    }),
  );
  // Enough input channels (kh·kw·Ci > 128) for the dilated-conv route rather than im2col.
  for (const s of [1, 2, 3])
    for (const [padName, pad] of PADS)
      for (const k of [3, 4, 5])
        for (const [H, W] of [[5, 7], [13, 13]]) {
          if (padName === 'valid' && k > H) continue;
          const label = `conv route: B2 ${H}×${W}×16 k${k} s${s} ${padName} Co3`;
          test(label, async () => {
            const xShape = [2, H, W, 16];
            const fShape = [k, k, 16, 3];
            const dyShape = convOut(xShape, fShape, s, pad);
            await compare(
              'Conv2DBackpropFilter',
              { x: { shape: xShape, data: values(size(xShape), s * 100 + k) }, dy: { shape: dyShape, data: values(size(dyShape), H + k) } },
              { strides: s, pad, dataFormat: 'NHWC', filterShape: fShape },
              label,
            );
          });
        }
  test('NCHW', async () => {
    const xShape = [2, 2, 7, 9];
    const dyShape = [2, 4, 4, 5];
    await compare(
      'Conv2DBackpropFilter',
      { x: { shape: xShape, data: values(size(xShape), 5) }, dy: { shape: dyShape, data: values(size(dyShape), 6) } },
      { strides: 2, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 2, 4] },
      'NCHW',
    );
  });
});

describe('BatchMatMul, Tile, LeakyRelu vs cpu', () => {
  for (const [aShape, bShape, tA, tB] of [
    [[64, 100], [100, 300], false, false],
    [[64, 100], [300, 100], false, true],
    [[100, 64], [100, 300], true, false],
    [[100, 64], [300, 100], true, true],
    [[3, 7, 5], [3, 9, 7], true, true],
    [[1, 7, 5], [4, 7, 6], true, false],
    [[200, 30], [20, 30], false, true],
  ] as Array<[number[], number[], boolean, boolean]>) {
    test(`BatchMatMul [${aShape}]${tA ? 'ᵀ' : ''} · [${bShape}]${tB ? 'ᵀ' : ''}`, async () => {
      const a = { shape: aShape.length === 2 ? [1, ...aShape] : aShape, data: values(size(aShape), 11) };
      const b = { shape: bShape.length === 2 ? [1, ...bShape] : bShape, data: values(size(bShape), 12) };
      await compare('BatchMatMul', { a, b }, { transposeA: tA, transposeB: tB }, 'BatchMatMul');
    });
  }
  for (const [shape, reps] of [
    [[1, 1, 1, 64], [64, 14, 14, 1]],
    [[1, 6272], [64, 1]],
    [[2, 3], [2, 2]],
    [[2, 1, 3], [1, 5, 1]],
    [[2, 3, 1, 2], [3, 2, 2, 2]],
    [[4], [1]],
  ]) {
    test(`Tile [${shape}] × [${reps}]`, async () => {
      await compare('Tile', { x: { shape, data: values(size(shape), 13) } }, { reps }, 'Tile');
    });
  }
  test('LeakyRelu', async () => {
    await compare('LeakyRelu', { x: { shape: [4, 5, 6, 7], data: values(840, 14) } }, { alpha: 0.2 }, 'LeakyRelu');
  });
});

/** A tiny conv model touching every kernel above (both Conv2DBackpropFilter routes); returns loss gradients. */
function tinyModelGrads(data: { x: Float32Array; w1: Float32Array; w2: Float32Array; w3: Float32Array }): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.tensor4d(data.x, [3, 9, 9, 2]);
    const w1 = tf.tensor4d(data.w1, [4, 4, 2, 16]);
    const w2 = tf.tensor4d(data.w2, [3, 3, 16, 16]);
    const w3 = tf.tensor4d(data.w3, [3, 3, 3, 16]);
    const f = (xx: tf.Tensor, a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
      const h1 = tf.leakyRelu(tf.conv2d(xx as tf.Tensor4D, a as tf.Tensor4D, 2, 'same'), 0.2); // [3, 5, 5, 16]
      const h2 = tf.leakyRelu(tf.conv2d(h1, b as tf.Tensor4D, 1, 'same'), 0.2); // [3, 5, 5, 16]
      const y = tf.conv2dTranspose(h2, c as tf.Tensor4D, [3, 9, 9, 3], 2, 'same'); // [3, 9, 9, 3]
      const m = tf.matMul(tf.reshape(y, [3, 243]), tf.reshape(y, [3, 243]), false, true); // [3, 3]
      return tf.add(tf.sum(tf.square(y)), tf.sum(tf.tile(tf.mean(m, 0, true), [2, 1])));
    };
    return tf.grads(f)([x, w1, w2, w3]).map((g) => g.dataSync() as Float32Array);
  });
}

describe('training', () => {
  const data = {
    x: values(3 * 9 * 9 * 2, 21),
    w1: values(4 * 4 * 2 * 16, 22).map((v) => v / 4),
    w2: values(3 * 3 * 16 * 16, 23).map((v) => v / 8),
    w3: values(3 * 3 * 3 * 16, 24).map((v) => v / 8),
  };

  test('gradients of a tiny conv model match cpu', async () => {
    await tf.setBackend('cpu');
    const want = tinyModelGrads(data);
    await tf.setBackend('wasm');
    const got = tinyModelGrads(data);
    ['dx', 'dw1', 'dw2', 'dw3'].forEach((name, i) => {
      const r = rel(got[i], want[i]);
      assert.ok(r <= TOL, `${name}: rel error ${r.toExponential(2)} > ${TOL}`);
    });
  });

  test('no leak of engine tensors or backend data across steps', async () => {
    await tf.setBackend('wasm');
    tinyModelGrads(data); // warm up
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const tensors = tf.memory().numTensors;
    const dataIds = backend.numDataIds();
    for (let i = 0; i < 3; i++) tinyModelGrads(data);
    assert.equal(tf.memory().numTensors, tensors, 'engine tensors');
    assert.equal(backend.numDataIds(), dataIds, 'wasm backend data ids');
  });
});
