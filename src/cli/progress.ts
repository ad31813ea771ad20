/**
 * Training progress for people: a progress bar on a terminal (step, epoch, steps/s, ETA, both losses,
 * mean D(x) and D(G(z))), or one log line every N steps when stderr is not a terminal.
 */
import cliProgress from 'cli-progress';
import { log, resetLogSink, setLogSink, type LogLevel } from '../log.js';
import type { StepRecord } from '../train/trainer.js';

export interface ProgressReporter {
  start(startStep: number, totalSteps: number): void;
  step(r: StepRecord): void;
  stop(): void;
}

function fmtEta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s % 60).padStart(2, '0')}s`;
}

export function line(r: StepRecord, startStep: number): string {
  const rate = (r.step - startStep) / Math.max(r.elapsed, 1e-9);
  return (
    `step ${r.step}/${r.totalSteps} epoch ${r.epoch} | ${rate.toFixed(2)} steps/s | ETA ${fmtEta((r.totalSteps - r.step) / rate)} | ` +
    `L_D ${r.lossD.toFixed(3)} L_G ${r.lossG.toFixed(3)} | D(x) ${r.dReal.toFixed(3)} D(G(z)) ${r.dFake.toFixed(3)}`
  );
}

export function createProgress(useBar: boolean, logEvery: number): ProgressReporter {
  let startStep = 0;
  if (!useBar) {
    return {
      start(s) {
        startStep = s;
      },
      step(r) {
        if (r.step % logEvery === 0 || r.step === r.totalSteps) log.info(line(r, startStep));
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: '{bar} {value}/{total} | epoch {epoch} | {rate} steps/s | ETA {eta2} | L_D {lossD} L_G {lossG} | D(x) {dReal} D(G(z)) {dFake}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      stream: process.stderr,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  const restoreSink = (lvl: LogLevel, msg: string) => {
    process.stderr.write(`\r\x1b[K${lvl === 'warn' ? 'warning: ' : lvl === 'error' ? 'error: ' : ''}${msg}\n`);
  };
  return {
    start(s, total) {
      startStep = s;
      bar.start(total, s, { epoch: 1, rate: '-', eta2: '?', lossD: '-', lossG: '-', dReal: '-', dFake: '-' });
      setLogSink(restoreSink);
    },
    step(r) {
      const rate = (r.step - startStep) / Math.max(r.elapsed, 1e-9);
      bar.update(r.step, {
        epoch: r.epoch,
        rate: rate.toFixed(2),
        eta2: fmtEta((r.totalSteps - r.step) / rate),
        lossD: r.lossD.toFixed(3),
        lossG: r.lossG.toFixed(3),
        dReal: r.dReal.toFixed(3),
        dFake: r.dFake.toFixed(3),
      });
    },
    stop() {
      bar.stop();
      resetLogSink();
    },
  };
}
