/**
 * Benchmark of the wasm training kernels (src/backend/wasm) against the stock TF.js wasm kernels, measured
 * in the same run: ms per call at the reference DCGAN's shapes (batch 64, MNIST 28×28×1), then ms per full
 * training step (one D update + one G update, Adam, sigmoid cross-entropy) of the DCGAN and the classic MLP
 * GAN, with stock kernels ("before"; stock wasm has no Conv2DBackpropFilter, so ours is used there) and with
 * ours ("after"). Prints figures only; nothing here is asserted.
 *
 *   npx tsx bench/wasm-kernels.ts [--steps 5] [--reps 10]
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from '../src/backend/wasm/index.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const STEPS = arg('steps', 5);
const REPS = arg('reps', 10);
const B = 64;

await tf.setBackend('wasm');
await tf.ready();
const stock = new Map<string, KernelFunc>();
for (const { kernelName } of WASM_TRAINING_KERNELS) {
  const k = tf.getKernel(kernelName, 'wasm');
  if (k) stock.set(kernelName, k.kernelFunc);
}
registerWasmTrainingKernels();
const ours = new Map(WASM_TRAINING_KERNELS.map((c) => [c.kernelName, c.kernelFunc]));

/** Swap the registered wasm kernels: 'stock' (plus our Conv2DBackpropFilter, which stock lacks) or 'ours'. */
function useKernels(which: 'stock' | 'ours'): void {
  for (const config of WASM_TRAINING_KERNELS) {
    const name = config.kernelName;
    const kernelFunc = which === 'ours' || !stock.has(name) ? config.kernelFunc : stock.get(name)!;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Median ms of one direct kernelFunc call on fresh copies of the inputs (the stock Conv2D and matmul cache
 * XNNPACK operators by weight tensor, so re-running on the same tensors would flatter them; in training every
 * call sees new tensors). The output is released each time.
 */
function timeKernel(kernelFunc: KernelFunc, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>): number {
  const backend = tf.backend();
  const once = () => {
    const fresh = Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, tf.clone(t)]));
    const t0 = performance.now();
    const out = kernelFunc({ inputs: fresh, backend, attrs: attrs as tf.NamedAttrMap }) as TensorInfo;
    const ms = performance.now() - t0;
    backend.disposeData(out.dataId);
    tf.dispose(Object.values(fresh));
    return ms;
  };
  once();
  return median(Array.from({ length: REPS }, once));
}

// 1. Kernels at the DCGAN's shapes.
const rnd = (shape: number[]) => tf.randomNormal(shape, 0, 1, 'float32', 1);
const kernelCases: Array<{ kernel: string; label: string; inputs: Record<string, tf.Tensor>; attrs: Record<string, unknown> }> = [
  {
    kernel: 'Conv2DBackpropInput',
    label: 'G convT1 / D conv2 dx: dy[64,7,7,128] w[4,4,64,128] → [64,14,14,64]',
    inputs: { dy: rnd([B, 7, 7, 128]), filter: rnd([4, 4, 64, 128]) },
    attrs: { inputShape: [B, 14, 14, 64], strides: 2, pad: 'same', dataFormat: 'NHWC' },
  },
  {
    kernel: 'Conv2DBackpropInput',
    label: 'G convT2 / D conv1 dx: dy[64,14,14,64] w[4,4,1,64] → [64,28,28,1]',
    inputs: { dy: rnd([B, 14, 14, 64]), filter: rnd([4, 4, 1, 64]) },
    attrs: { inputShape: [B, 28, 28, 1], strides: 2, pad: 'same', dataFormat: 'NHWC' },
  },
  {
    kernel: 'Conv2DBackpropFilter',
    label: 'D conv2 / G convT1 dw: x[64,14,14,64] dy[64,7,7,128]',
    inputs: { x: rnd([B, 14, 14, 64]), dy: rnd([B, 7, 7, 128]) },
    attrs: { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [4, 4, 64, 128] },
  },
  {
    kernel: 'Conv2DBackpropFilter',
    label: 'D conv1 / G convT2 dw: x[64,28,28,1] dy[64,14,14,64]',
    inputs: { x: rnd([B, 28, 28, 1]), dy: rnd([B, 14, 14, 64]) },
    attrs: { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [4, 4, 1, 64] },
  },
  {
    kernel: 'BatchMatMul',
    label: 'G dense dW: [64,100]ᵀ · [64,6272]',
    inputs: { a: rnd([1, B, 100]), b: rnd([1, B, 6272]) },
    attrs: { transposeA: true, transposeB: false },
  },
  {
    kernel: 'BatchMatMul',
    label: 'MLP dense dx: [64,784] · [1024,784]ᵀ',
    inputs: { a: rnd([1, B, 784]), b: rnd([1, 1024, 784]) },
    attrs: { transposeA: false, transposeB: true },
  },
  {
    kernel: 'Tile',
    label: 'BatchNorm grad: [1,1,1,64] → [64,14,14,64]',
    inputs: { x: rnd([1, 1, 1, 64]) },
    attrs: { reps: [B, 14, 14, 1] },
  },
  {
    kernel: 'LeakyRelu',
    label: '[64,14,14,64]',
    inputs: { x: rnd([B, 14, 14, 64]) },
    attrs: { alpha: 0.2 },
  },
];

console.log(`wasm kernels, ms per call (median of ${REPS}, fresh inputs each call), TF.js ${tf.version.tfjs}, wasm threads: 1 (Node)`);
console.log(`${'kernel'.padEnd(22)}${'shapes'.padEnd(68)}${'stock'.padStart(9)}${'ours'.padStart(9)}${'ratio'.padStart(8)}`);
for (const c of kernelCases) {
  const s = stock.get(c.kernel);
  const sMs = s ? timeKernel(s, c.inputs, c.attrs) : NaN;
  const oMs = timeKernel(ours.get(c.kernel)!, c.inputs, c.attrs);
  const sTxt = s ? sMs.toFixed(2) : 'missing';
  const ratio = s ? `${(sMs / oMs).toFixed(1)}×` : '—';
  console.log(`${c.kernel.padEnd(22)}${c.label.padEnd(68)}${sTxt.padStart(9)}${oMs.toFixed(2).padStart(9)}${ratio.padStart(8)}`);
}
for (const c of kernelCases) tf.dispose(Object.values(c.inputs));

// 2. Full training steps.
const leaky = () => tf.layers.leakyReLU({ alpha: 0.2 });
function buildDcgan(): { G: tf.Sequential; D: tf.Sequential; shape: number[] } {
  const G = tf.sequential();
  G.add(tf.layers.dense({ inputShape: [100], units: 7 * 7 * 128, useBias: false })); // [B, 6272]
  G.add(tf.layers.batchNormalization());
  G.add(leaky());
  G.add(tf.layers.reshape({ targetShape: [7, 7, 128] })); // [B, 7, 7, 128]
  G.add(tf.layers.conv2dTranspose({ filters: 64, kernelSize: 4, strides: 2, padding: 'same', useBias: false })); // [B, 14, 14, 64]
  G.add(tf.layers.batchNormalization());
  G.add(leaky());
  G.add(tf.layers.conv2dTranspose({ filters: 1, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh' })); // [B, 28, 28, 1]
  const D = tf.sequential();
  D.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 64, kernelSize: 4, strides: 2, padding: 'same' })); // [B, 14, 14, 64]
  D.add(leaky());
  D.add(tf.layers.conv2d({ filters: 128, kernelSize: 4, strides: 2, padding: 'same' })); // [B, 7, 7, 128]
  D.add(leaky());
  D.add(tf.layers.flatten()); // [B, 6272]
  D.add(tf.layers.dense({ units: 1 })); // [B, 1] logit
  return { G, D, shape: [B, 28, 28, 1] };
}
function buildMlpGan(): { G: tf.Sequential; D: tf.Sequential; shape: number[] } {
  const G = tf.sequential();
  G.add(tf.layers.dense({ inputShape: [100], units: 256 }));
  G.add(leaky());
  G.add(tf.layers.dense({ units: 512 }));
  G.add(leaky());
  G.add(tf.layers.dense({ units: 1024 }));
  G.add(leaky());
  G.add(tf.layers.dense({ units: 784, activation: 'tanh' })); // [B, 784]
  const D = tf.sequential();
  D.add(tf.layers.dense({ inputShape: [784], units: 512 }));
  D.add(leaky());
  D.add(tf.layers.dense({ units: 256 }));
  D.add(leaky());
  D.add(tf.layers.dense({ units: 1 })); // [B, 1] logit
  return { G, D, shape: [B, 784] };
}

/** Time one D update + one G update; returns ms/step, kernel ms by name, and engine tensors before/after. */
function timeSteps(build: typeof buildDcgan) {
  const { G, D, shape } = build();
  const dOpt = tf.train.adam(2e-4, 0.5);
  const gOpt = tf.train.adam(2e-4, 0.5);
  const real = tf.randomUniform(shape, -1, 1);
  const ones = tf.ones([B, 1]);
  const zeros = tf.zeros([B, 1]);
  const gVars = G.trainableWeights.map((w) => w.read() as tf.Variable);
  const dVars = D.trainableWeights.map((w) => w.read() as tf.Variable);
  const step = () =>
    tf.tidy(() => {
      const z = tf.randomNormal([B, 100]);
      dOpt.minimize(() => {
        const fake = G.apply(z, { training: true }) as tf.Tensor;
        const lr = D.apply(real, { training: true }) as tf.Tensor;
        const lf = D.apply(fake, { training: true }) as tf.Tensor;
        return tf.add(tf.losses.sigmoidCrossEntropy(ones, lr), tf.losses.sigmoidCrossEntropy(zeros, lf)) as tf.Scalar;
      }, false, dVars);
      gOpt.minimize(() => {
        const lf = D.apply(G.apply(z, { training: true }) as tf.Tensor, { training: true }) as tf.Tensor;
        return tf.losses.sigmoidCrossEntropy(ones, lf) as tf.Scalar;
      }, false, gVars);
    });
  step();
  step();
  // Kernel times by name, through the engine (inclusive of nested kernels).
  const engine = tf.engine() as unknown as { runKernelFunc: (p: { kernelName?: string }) => unknown };
  const orig = engine.runKernelFunc;
  const byKernel = new Map<string, { calls: number; ms: number }>();
  engine.runKernelFunc = function (this: unknown, p: { kernelName?: string }) {
    const t0 = performance.now();
    try {
      return orig.call(this, p);
    } finally {
      const name = p.kernelName ?? '(custom gradient)';
      const e = byKernel.get(name) ?? { calls: 0, ms: 0 };
      e.calls++;
      e.ms += performance.now() - t0;
      byKernel.set(name, e);
    }
  };
  const tensorsBefore = tf.memory().numTensors;
  const t0 = performance.now();
  for (let i = 0; i < STEPS; i++) step();
  const msPerStep = (performance.now() - t0) / STEPS;
  engine.runKernelFunc = orig;
  const tensorsAfter = tf.memory().numTensors;
  tf.dispose([real, ones, zeros]);
  G.dispose();
  D.dispose();
  dOpt.dispose();
  gOpt.dispose();
  return { msPerStep, byKernel, tensorsBefore, tensorsAfter };
}

console.log(`\ntraining step, batch ${B}, ms per step (mean of ${STEPS} after 2 warm-up steps; kernel timing wrapper on)`);
for (const [name, build] of [['DCGAN', buildDcgan], ['MLP GAN', buildMlpGan]] as const) {
  useKernels('stock');
  const before = timeSteps(build);
  useKernels('ours');
  const after = timeSteps(build);
  console.log(
    `${name.padEnd(8)} stock wasm${name === 'DCGAN' ? ' (+ our Conv2DBackpropFilter)' : ''}: ${before.msPerStep.toFixed(0)} ms` +
      `   ours: ${after.msPerStep.toFixed(0)} ms   (${(before.msPerStep / after.msPerStep).toFixed(1)}×)` +
      `   engine tensors ${after.tensorsBefore} → ${after.tensorsAfter}`,
  );
  const top = [...after.byKernel.entries()].filter(([k]) => !k.startsWith('(')).sort((a, b) => b[1].ms - a[1].ms);
  const fmt = ([k, v]: [string, { calls: number; ms: number }]) =>
    `${k} ${(v.ms / STEPS).toFixed(1)} ms/${v.calls / STEPS}`;
  console.log(`  ours, per step, kernel ms/calls: ${top.slice(0, 12).map(fmt).join(', ')}`);
  const missing = [...after.byKernel.keys()].filter((k) => !k.startsWith('(') && !tf.getKernel(k, 'wasm'));
  console.log(`  kernels dispatched (${top.length}): ${top.map(([k]) => k).sort().join(' ')}`);
  console.log(`  missing on wasm: ${missing.length ? missing.join(', ') : 'none'}`);
}
