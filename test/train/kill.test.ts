/**
 * Crash safety on real training processes: a `genforge train` killed with SIGKILL at several moments
 * (mid-step, mid-checkpoint) leaves its newest complete checkpoint loadable, `--resume` continues, and the
 * run ends bit-identical to one that was never interrupted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { cli, cliStart } from '../cli/run-cli.js';
import { findLatestCheckpoint } from '../../src/train/checkpoint.js';
import { checkpointBytes, tempDir } from '../helpers.js';

const STEPS = 60;
const ARGS = ['--model', 'gan', '--dataset', 'mnist', '--batch-size', '32', '--latent-dim', '32', '--seed', '5',
  '--checkpoint-every', '2', '--sample-every', '1000', '--backend', 'wasm', '--no-progress'];

/** The step latest.json points at, or -1 (missing, or caught mid-rename). */
function latestStep(runDir: string): number {
  try {
    return (JSON.parse(readFileSync(join(runDir, 'checkpoints', 'latest.json'), 'utf8')) as { step: number }).step;
  } catch {
    return -1;
  }
}

/** Resolves when the run has saved a checkpoint beyond `step` (polling the file system, bounded). */
async function waitForCheckpointAfter(runDir: string, step: number, limitMs = 120_000): Promise<void> {
  const t0 = Date.now();
  while (latestStep(runDir) <= step) {
    if (Date.now() - t0 > limitMs) throw new Error(`${runDir}: no checkpoint after step ${step} within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resolves when `path` exists (polling the file system, bounded). */
async function waitFor(path: string, limitMs = 120_000): Promise<void> {
  const t0 = Date.now();
  while (!existsSync(path)) {
    if (Date.now() - t0 > limitMs) throw new Error(`${path} did not appear within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('SIGKILL at several points never loses the last checkpoint, and resume ends identical', async () => {
  const d = tempDir();
  try {
    const ref = join(d.path, 'ref');
    const r0 = cli(['train', ...ARGS, '--steps', String(STEPS), '--out', ref]);
    assert.equal(r0.code, 0, r0.stderr);

    const run = join(d.path, 'killed');
    // Delays after the first checkpoint appears: spread so that kills land in steps and in saves.
    const delays = [0, 90, 260, 430, 700];
    let steps: number[] = [];
    for (const [i, delay] of delays.entries()) {
      const args = i === 0 ? ['train', ...ARGS, '--steps', String(STEPS), '--out', run] : ['train', '--resume', run, '--steps', String(STEPS), '--backend', 'wasm', '--no-progress'];
      const before = latestStep(run);
      const child = cliStart(args);
      const exited = once(child, 'exit');
      // Kill only once this process has trained and saved something of its own, then after `delay`.
      await waitForCheckpointAfter(run, before);
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      const [code, signal] = await exited;
      const ck = findLatestCheckpoint(run);
      if (code === 0) break; // finished before the kill landed
      assert.equal(signal, 'SIGKILL');
      assert.ok(ck, `after kill ${i}: no loadable checkpoint`);
      steps.push(ck.state.step);
    }
    assert.ok(steps.length >= 3, `only ${steps.length} kills landed before the run finished`);
    const last = cli(['train', '--resume', run, '--steps', String(STEPS), '--backend', 'wasm', '--no-progress']);
    assert.equal(last.code, 0, last.stderr);
    assert.deepEqual(checkpointBytes(run), checkpointBytes(ref), `resumed run differs from the uninterrupted one (kills at checkpoint steps ${steps})`);
    const metrics = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).step);
    assert.deepEqual(metrics, Array.from({ length: STEPS }, (_, i) => i + 1), 'each step logged once');
  } finally {
    d.cleanup();
  }
});

test('Ctrl-C (SIGINT) saves a checkpoint at the current step, exits 130, and says how to resume', async () => {
  const d = tempDir();
  try {
    const run = join(d.path, 'run');
    const child = cliStart(['train', ...ARGS, '--checkpoint-every', '1000', '--steps', '100000', '--out', run]);
    let stderr = '';
    child.stderr.on('data', (b) => (stderr += b));
    const exited = once(child, 'exit');
    await waitFor(join(run, 'run.json'));
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    const [code] = await exited;
    assert.equal(code, 130, stderr);
    assert.match(stderr, /checkpoint saved.*--resume/);
    const ck = findLatestCheckpoint(run);
    assert.ok(ck && ck.state.step > 0, 'a checkpoint was saved on Ctrl-C');
    const lines = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n');
    assert.equal(lines.length, ck.state.step, 'metrics up to the saved step');
  } finally {
    d.cleanup();
  }
});
