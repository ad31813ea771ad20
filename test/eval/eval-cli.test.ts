/**
 * `genforge eval` end to end, as a user runs it (a child process through tsx): feature files against the
 * reference values of /work/shared/reference/metrics, IDX samples against a small labelled IDX dataset
 * (2,000 real MNIST images, so its evaluator trains in seconds in a temporary cache), a run trained with
 * --eval-every, and bad inputs, which must give one-line errors and a non-zero exit code.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeIdx } from '../../src/data/idx.js';
import { encodeNpy } from '../../src/eval/features-io.js';
import { featuresFromRows } from '../../src/eval/metrics/features.js';
import { mnistSubset, tempDir } from '../helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REFERENCE = '/work/shared/reference/metrics';
const tmp = tempDir('genforge-eval-cli-');
const env = { ...process.env, GENFORGE_CACHE: join(tmp.path, 'cache'), GENFORGE_LOG: 'info' };

function genforge(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], { cwd: ROOT, env, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function lastJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
}

/** A failure is exactly one line on stderr, starting with "error:", and a non-zero exit. */
function assertOneLineError(r: { code: number; stderr: string }, pattern: RegExp): void {
  assert.notEqual(r.code, 0);
  const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('error:'));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, pattern);
}

const data = join(tmp.path, 'digits-images.idx');
const labels = join(tmp.path, 'digits-labels.idx');
before(() => {
  const ds = mnistSubset(2000);
  writeIdx(data, ds.pixels, [2000, 28, 28]);
  writeIdx(labels, ds.labels!, [2000]);
});
after(() => tmp.cleanup());

interface Reference {
  real: number[][];
  fake: number[][];
  expected: { fid: number; kid_unbiased_full: number; prdc_k3: Record<string, number>; prdc_k5: Record<string, number> };
}

function close(actual: number, expected: number, what: string): void {
  const tol = Math.abs(expected) < 1e-6 ? 1e-9 : 1e-6 * Math.abs(expected);
  assert.ok(Math.abs(actual - Math.max(expected, what === 'fid' ? 0 : -Infinity)) <= tol, `${what}: ${actual} vs ${expected}`);
}

for (const name of ['gauss_shift', 'mode_dropped', 'identical']) {
  test(`--features-real/--features-fake on the ${name} reference prints the expected FID, KID and PRDC as JSON`, () => {
    const ref = JSON.parse(readFileSync(join(REFERENCE, `${name}.json`), 'utf8')) as Reference;
    // One side as JSON rows, the other as .npy, so both readers are exercised.
    const realPath = join(tmp.path, `${name}-real.json`);
    const fakePath = join(tmp.path, `${name}-fake.npy`);
    writeFileSync(realPath, JSON.stringify(ref.real));
    writeFileSync(fakePath, encodeNpy(featuresFromRows(ref.fake)));
    const r = genforge('eval', '--features-real', realPath, '--features-fake', fakePath, '--kid-subsets', '1', '--kid-subset-size', '0', '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = lastJson(r.stdout);
    close(out.fid as number, ref.expected.fid, 'fid');
    close(out.kid as number, ref.expected.kid_unbiased_full, 'kid');
    assert.equal(out.kid_std, 0);
    assert.equal(out.precision, ref.expected.prdc_k3.precision);
    assert.equal(out.recall, ref.expected.prdc_k3.recall);
    assert.equal(out.density, ref.expected.prdc_k5.density);
    assert.equal(out.coverage, ref.expected.prdc_k5.coverage);
  });
}

test('--samples on an IDX file against a labelled IDX dataset: trains the evaluator once, prints JSON with baselines', () => {
  const samples = join(tmp.path, 'samples.idx');
  const ds = mnistSubset(300);
  writeIdx(samples, ds.pixels, [300, 28, 28]);
  const asked = join(tmp.path, 'samples-labels.idx');
  writeIdx(asked, ds.labels!, [300]);
  const r = genforge('eval', '--samples', samples, '--sample-labels', asked, '--dataset', data, '--labels', labels, '--json', '--backend', 'wasm', '--kid-subsets', '5');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /training the evaluator for .*digits-images\.idx/);
  assert.match(r.stderr, /evaluator trained in [\d.]+ s: CNN classifier, test accuracy/);
  const out = lastJson(r.stdout);
  for (const k of ['fid', 'kid', 'kid_std', 'precision', 'recall', 'density', 'coverage', 'inception_score']) {
    assert.equal(typeof out[k], 'number', k);
    assert.ok(Number.isFinite(out[k]), k);
  }
  assert.equal((out.class_histogram as number[]).length, 10);
  assert.equal((out.baseline as { n: number }).n, 300);
  assert.ok((out.label_agreement as number) > 0.8, `label agreement ${String(out.label_agreement)}`);
  assert.match(r.stderr, /FID/); // the table goes to stderr with --json

  // The second time the cached evaluator is used, and the table goes to stdout.
  const again = genforge('eval', '--samples', samples, '--dataset', data, '--labels', labels, '--backend', 'wasm', '--kid-subsets', '5');
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stderr, /training the evaluator/);
  assert.match(again.stdout, /^FID\s+↓\s+[\d.]+\s+[\d.]+$/m);
});

test('train --eval-every 1 records FID and keeps the best generator; eval --run writes eval.json and eval.html', () => {
  const run = join(tmp.path, 'run');
  const t = genforge('train', '--dataset', data, '--labels', labels, '--epochs', '1', '--batch-size', '64', '--eval-every', '1', '--out', run, '--backend', 'wasm', '--no-progress');
  assert.equal(t.code, 0, t.stderr);
  const history = readFileSync(join(run, 'eval-history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
  assert.equal(history.length, 1);
  assert.ok(history[0]!.fid! > 0 && history[0]!.n === 2000, JSON.stringify(history[0]));
  assert.ok(existsSync(join(run, 'checkpoints', 'best', 'model.json')));

  const r = genforge('eval', '--run', run, '--n', '300', '--json', '--backend', 'wasm', '--kid-subsets', '5');
  assert.equal(r.code, 0, r.stderr);
  const out = lastJson(r.stdout);
  const saved = JSON.parse(readFileSync(join(run, 'eval.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(saved.fid, out.fid);
  assert.equal((saved.source as { kind: string }).kind, 'run');
  const html = readFileSync(join(run, 'eval.html'), 'utf8');
  assert.match(html, /<h2>Samples<\/h2><img class="px" src="data:image\/png;base64,/);
  assert.match(html, /left: sample, right: nearest training image/);
  assert.match(html, /<h2>Training curves<\/h2><svg/);
  assert.match(html, /real training images vs the test split/);
});

test('bad inputs: one-line errors naming the flag or file, non-zero exit', () => {
  assertOneLineError(genforge('eval', '--run', join(tmp.path, 'no-such-run')), /--run .*no-such-run: no such folder/);
  assertOneLineError(genforge('eval', '--features-real', join(tmp.path, 'gauss_shift-real.json')), /--features-fake is missing/);
  assertOneLineError(genforge('eval'), /nothing to evaluate/);
  assertOneLineError(genforge('eval', '--samples', data), /--samples .* needs --dataset/);

  const inf = join(tmp.path, 'inf.json');
  writeFileSync(inf, '[[1, 2], [3, 1e999], [5, 6]]');
  const fine = join(tmp.path, 'fine.json');
  writeFileSync(fine, '[[1, 2], [3, 4], [5, 7]]');
  assertOneLineError(genforge('eval', '--features-real', fine, '--features-fake', inf), /inf\.json has Infinity at row 1, column 1/);

  const small = join(tmp.path, 'small.idx');
  writeIdx(small, new Uint8Array(10 * 14 * 14), [10, 14, 14]);
  assertOneLineError(
    genforge('eval', '--samples', small, '--dataset', data, '--labels', labels, '--backend', 'wasm'),
    /--samples .*small\.idx: the images are 14×14×1 but the dataset's are 28×28×1/,
  );
  assertOneLineError(genforge('eval', '--samples', join(tmp.path, 'nope.idx'), '--dataset', data), /--samples .*nope\.idx: no such file/);
});
