/** `genforge doctor`: which backends work here, how fast each multiplies matrices and runs a conv step. */
import * as tf from '@tensorflow/tfjs';
import type { Command } from 'commander';
import { initBackend, type BackendName } from '../backend/index.js';

interface BackendReport {
  readonly name: string;
  readonly available: boolean;
  readonly note: string;
  readonly matmulGflops?: number;
  readonly convMs?: number;
}

function measure(): { matmulGflops: number; convMs: number } {
  const n = 256;
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  tf.matMul(a, b).dispose();
  let reps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 300) {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
    reps++;
  }
  const matmulGflops = (2 * n ** 3 * reps) / ((performance.now() - t0) / 1000) / 1e9;
  const x = tf.randomNormal([16, 14, 14, 64]);
  const f = tf.randomNormal([4, 4, 64, 128]);
  const dy = tf.randomNormal([16, 7, 7, 128]);
  const convOnce = () =>
    tf.tidy(() => {
      const y = tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 2, 'same');
      const dx = tf.conv2dTranspose(dy as tf.Tensor4D, f as tf.Tensor4D, [16, 14, 14, 64], 2, 'same');
      y.dataSync();
      dx.dataSync();
    });
  convOnce();
  const t1 = performance.now();
  convOnce();
  const convMs = performance.now() - t1;
  tf.dispose([a, b, x, f, dy]);
  return { matmulGflops, convMs };
}

export default async function doctorCommand(opts: Record<string, unknown>, _cmd: Command): Promise<number> {
  const reports: BackendReport[] = [];
  for (const name of ['native', 'wasm', 'cpu', 'tensorflow'] as BackendName[]) {
    try {
      const info = await initBackend(name);
      reports.push({ name, available: true, note: info.note, ...measure() });
    } catch (e) {
      reports.push({ name, available: false, note: (e as Error).message });
    }
  }
  const auto = reports.find((r) => r.available)?.name ?? 'none';
  if (opts.json) {
    process.stdout.write(JSON.stringify({ auto, backends: reports }) + '\n');
    return 0;
  }
  const out: string[] = ['backend     available  matmul 256³     conv fwd+bwd-data (16×14×14×64 → 128)'];
  for (const r of reports) {
    out.push(
      `${r.name.padEnd(11)} ${(r.available ? 'yes' : 'no').padEnd(10)} ${r.available ? `${r.matmulGflops!.toFixed(1).padStart(6)} GFLOP/s` : '      -        '}  ${r.available ? `${r.convMs!.toFixed(1)} ms` : r.note}`,
    );
  }
  out.push(`auto picks: ${auto}`);
  if (auto !== 'native') out.push('for the fast native backend: apt-get install libdnnl-dev libopenblas-dev && npm run build:native');
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}
