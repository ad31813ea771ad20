/**
 * Checkpoints: everything a run needs to continue exactly where it stopped (both models, both optimizers'
 * moments, the step counter and the random state) in one folder per step:
 *
 *   checkpoints/step-00000500/generator/{model.json,weights.bin}
 *                            /discriminator/{model.json,weights.bin}
 *                            /optimizer.bin     float32 moments: G m…, G v…, D m…, D v…
 *                            /state.json        step, random state, sizes and SHA-256 of every file above
 *   checkpoints/latest.json                     {"step": 500, "dir": "step-00000500"}
 *
 * A checkpoint is written into a hidden temporary folder, fsynced, then renamed into place, and only then
 * does latest.json (itself written atomically) point to it. A process killed at any moment leaves the
 * previous checkpoint complete and loadable; loading verifies the checksums and falls back to the newest
 * intact checkpoint if the pointer names a damaged one.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { log } from '../log.js';
import { GenforgeError, ERROR_CODES } from '../errors.js';
import { writeFileAtomic, fsyncDir } from '../util/atomic.js';
import type { RngState } from '../util/rng.js';
import type { Adam, AdamState } from './adam.js';
import { loadModel, serializeModel } from './model-io.js';
import { RUN_FORMAT_VERSION } from '../version.js';
import type { GanModels } from '../models/types.js';

export const CHECKPOINT_DIR = 'checkpoints';
const LATEST = 'latest.json';

export interface CheckpointState {
  readonly formatVersion: number;
  /** Training steps completed. */
  readonly step: number;
  /** State of the latent-noise generator after `step` steps. */
  readonly rng: RngState;
  readonly adam: { readonly generator: number; readonly discriminator: number };
  readonly files: Record<string, { bytes: number; sha256: string }>;
  readonly savedAt: string;
}

export interface LoadedCheckpoint {
  readonly dir: string;
  readonly state: CheckpointState;
  readonly models: GanModels;
}

export function checkpointName(step: number): string {
  return `step-${String(step).padStart(8, '0')}`;
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function packMoments(states: AdamState[]): Uint8Array {
  const arrays = states.flatMap((s) => [...s.m, ...s.v]);
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const out = new Float32Array(total);
  let off = 0;
  for (const a of arrays) {
    out.set(a, off);
    off += a.length;
  }
  return new Uint8Array(out.buffer);
}

function unpackMoments(bytes: Uint8Array, opts: readonly Adam[], steps: number[]): AdamState[] {
  if (bytes.byteLength % 4 !== 0) throw new Error('optimizer.bin is not a whole number of float32 values');
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  let off = 0;
  const take = (n: number): Float32Array => {
    if (off + n > all.length) throw new Error('optimizer.bin is shorter than the models need');
    const a = all.slice(off, off + n);
    off += n;
    return a;
  };
  const states = opts.map((o, i) => {
    const sizes = o.vars.map((v) => v.size);
    const m = sizes.map(take);
    const v = sizes.map(take);
    return { step: steps[i]!, m, v };
  });
  if (off !== all.length) throw new Error('optimizer.bin is longer than the models need');
  return states;
}

/** Write a checkpoint for `step` and point latest.json at it; keep the newest `keep` checkpoints. */
export async function saveCheckpoint(
  runDir: string,
  step: number,
  models: GanModels,
  opt: { generator: Adam; discriminator: Adam },
  rng: RngState,
  keep = 2,
): Promise<string> {
  const root = join(runDir, CHECKPOINT_DIR);
  mkdirSync(root, { recursive: true });
  const name = checkpointName(step);
  const tmp = join(root, `.partial-${name}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });

  // 1. Serialise everything in memory first, so that the files are written in one short burst.
  const g = await serializeModel(models.generator);
  const d = await serializeModel(models.discriminator);
  const gs = await opt.generator.getState();
  const ds = await opt.discriminator.getState();
  const files: Record<string, Uint8Array> = {
    'generator/model.json': Buffer.from(g.modelJson),
    'generator/weights.bin': g.weights,
    'discriminator/model.json': Buffer.from(d.modelJson),
    'discriminator/weights.bin': d.weights,
    'optimizer.bin': packMoments([gs, ds]),
  };

  // 2. Write them into the temporary folder, each fsynced.
  const manifest: CheckpointState['files'] = {};
  for (const [rel, data] of Object.entries(files)) {
    writeFileAtomic(join(tmp, rel), data);
    manifest[rel] = { bytes: data.byteLength, sha256: sha256(data) };
  }
  const state: CheckpointState = {
    formatVersion: RUN_FORMAT_VERSION,
    step,
    rng,
    adam: { generator: gs.step, discriminator: ds.step },
    files: manifest,
    savedAt: new Date().toISOString(),
  };
  writeFileAtomic(join(tmp, 'state.json'), JSON.stringify(state, null, 2));

  // 3. Move it into place, then point latest.json at it.
  const final = join(root, name);
  rmSync(final, { recursive: true, force: true });
  renameSync(tmp, final);
  fsyncDir(root);
  writeFileAtomic(join(root, LATEST), JSON.stringify({ step, dir: name }));

  // 4. Drop older checkpoints beyond `keep`.
  const all = listCheckpointDirs(root);
  for (const old of all.slice(0, Math.max(0, all.length - keep))) rmSync(join(root, old), { recursive: true, force: true });
  return final;
}

/** Complete-looking checkpoint folder names, oldest first. */
function listCheckpointDirs(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((n) => /^step-\d{8}$/.test(n))
    .sort();
}

/** Read and verify one checkpoint folder's state; throws with the reason when it is damaged. */
function verifyCheckpoint(dir: string): CheckpointState {
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as CheckpointState;
  if (state.formatVersion !== RUN_FORMAT_VERSION) {
    throw new Error(`format version ${state.formatVersion}, this genforge reads ${RUN_FORMAT_VERSION}`);
  }
  for (const [rel, want] of Object.entries(state.files)) {
    const data = readFileSync(join(dir, rel));
    if (data.byteLength !== want.bytes || sha256(data) !== want.sha256) throw new Error(`${rel} does not match its checksum`);
  }
  return state;
}

/** Why a checkpoint failed verification, in words. */
function damage(e: unknown): string {
  return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'a file is missing' : (e as Error).message;
}

/** Remove temporary folders left by a process that was killed while saving. */
export function cleanPartialCheckpoints(runDir: string): void {
  const root = join(runDir, CHECKPOINT_DIR);
  if (!existsSync(root)) return;
  for (const n of readdirSync(root)) {
    // A best generator moved aside just before its replacement was renamed in: put it back.
    if (n.startsWith('.old-best-') && !existsSync(join(root, 'best'))) renameSync(join(root, n), join(root, 'best'));
    else if (n.startsWith('.partial-') || n.startsWith('.old-best-')) rmSync(join(root, n), { recursive: true, force: true });
  }
}

/**
 * The newest intact checkpoint of a run: the one latest.json names, else the newest that verifies.
 * Damaged checkpoints met on the way are described in `problems` ("step-00000400: generator/weights.bin
 * does not match its checksum").
 */
export function findLatestCheckpoint(runDir: string, problems: string[] = []): { dir: string; state: CheckpointState } | null {
  const root = join(runDir, CHECKPOINT_DIR);
  const candidates: string[] = [];
  try {
    const latest = JSON.parse(readFileSync(join(root, LATEST), 'utf8')) as { dir: string };
    if (typeof latest.dir === 'string') candidates.push(latest.dir);
  } catch {
    // No pointer, or a damaged one: fall back to scanning.
  }
  candidates.push(...listCheckpointDirs(root).reverse());
  const seen = new Set<string>();
  for (const name of candidates) {
    if (seen.has(name)) continue;
    seen.add(name);
    const dir = join(root, name);
    try {
      return { dir, state: verifyCheckpoint(dir) };
    } catch (e) {
      problems.push(`${name}: ${damage(e)}`);
      continue;
    }
  }
  return null;
}

/**
 * Before a resumed run writes new checkpoints: rename damaged ones to damaged-step-XXXXXXXX (kept for
 * inspection, never counted among the newest checkpoints that pruning keeps) and say so.
 */
export function setAsideDamagedCheckpoints(runDir: string): void {
  const root = join(runDir, CHECKPOINT_DIR);
  for (const name of listCheckpointDirs(root)) {
    try {
      verifyCheckpoint(join(root, name));
    } catch (e) {
      renameSync(join(root, name), join(root, `damaged-${name}`));
      log.warn(`checkpoint ${name} is damaged (${damage(e)}); moved it to ${join(CHECKPOINT_DIR, `damaged-${name}`)}`);
    }
  }
}

/** Load the newest intact checkpoint of a run: its models and state (optimizer moments: readOptimizerState). */
export async function loadLatestCheckpoint(runDir: string): Promise<LoadedCheckpoint> {
  const problems: string[] = [];
  const found = findLatestCheckpoint(runDir, problems);
  if (!found) {
    throw new GenforgeError(
      ERROR_CODES.BAD_RUN,
      problems.length
        ? `${runDir}: no intact checkpoint: ${problems.join('; ')}`
        : `${runDir}: no checkpoint found in ${join(runDir, CHECKPOINT_DIR)}; the run saved none yet`,
    );
  }
  for (const p of problems) log.warn(`checkpoint ${p}; using ${basename(found.dir)} (step ${found.state.step}) instead`);
  const models = {
    generator: await loadModel(join(found.dir, 'generator')),
    discriminator: await loadModel(join(found.dir, 'discriminator')),
  };
  return { dir: found.dir, state: found.state, models };
}

/** Read the optimizer moments of a checkpoint for optimizers built over the loaded models' variables. */
export function readOptimizerState(dir: string, state: CheckpointState, opts: { generator: Adam; discriminator: Adam }): { generator: AdamState; discriminator: AdamState } {
  const bytes = readFileSync(join(dir, 'optimizer.bin'));
  const [g, d] = unpackMoments(bytes, [opts.generator, opts.discriminator], [state.adam.generator, state.adam.discriminator]);
  return { generator: g!, discriminator: d! };
}

