/** `genforge sample`: load a run's generator and write samples. */
import type { Command } from 'commander';
import { log } from '../log.js';
import { announceBackend, initBackend, type BackendName } from '../backend/index.js';
import { loadRun } from '../train/load.js';
import { writeSamples, type SampleFormat } from '../train/sample.js';

export default async function sampleCommand(opts: Record<string, unknown>, _cmd: Command): Promise<number> {
  const backend = await initBackend((opts.backend as BackendName | undefined) ?? 'auto');
  announceBackend(backend);
  const run = await loadRun(opts.run as string);
  const format = (opts.format as SampleFormat | undefined) ?? 'png';
  const n = (opts.n as number | undefined) ?? 64;
  const files = await writeSamples(run, { n, seed: (opts.seed as number | undefined) ?? 0, format, out: opts.out as string });
  log.info(`${n} samples from ${run.dir} (step ${run.step}) → ${format === 'png-dir' ? `${files.length} files in ${opts.out}` : files[0]}`);
  process.stdout.write(`${opts.out}\n`);
  return 0;
}
