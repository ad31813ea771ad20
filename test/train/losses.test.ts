import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { discriminatorLoss, generatorLoss, stableSoftplus } from '../../src/train/losses.js';
import { useTestBackend } from '../helpers.js';

await useTestBackend();

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

test('L_D and L_G equal the formulas of the paper on ordinary logits', () => {
  const real = [2.0, -1.0, 0.5];
  const fake = [-3.0, 0.0, 1.5];
  // L_D = −mean log D(x) − mean log(1 − D(G(z))); L_G = −mean log D(G(z)), with D = σ(logit).
  const wantD = -real.reduce((s, x) => s + Math.log(sigmoid(x)), 0) / 3 - fake.reduce((s, x) => s + Math.log(1 - sigmoid(x)), 0) / 3;
  const wantG = -fake.reduce((s, x) => s + Math.log(sigmoid(x)), 0) / 3;
  const lD = discriminatorLoss(tf.tensor2d(real, [3, 1]), tf.tensor2d(fake, [3, 1])).dataSync()[0]!;
  const lG = generatorLoss(tf.tensor2d(fake, [3, 1])).dataSync()[0]!;
  assert.ok(Math.abs(lD - wantD) < 1e-5, `L_D ${lD} vs ${wantD}`);
  assert.ok(Math.abs(lG - wantG) < 1e-5, `L_G ${lG} vs ${wantG}`);
  // Hand-computed: L_G at logits (−3, 0, 1.5) = (3.048587 + 0.693147 + 0.201413) / 3.
  assert.ok(Math.abs(lG - 1.3143823) < 1e-5);
});

test('saturated logits give finite losses and finite gradients', () => {
  for (const big of [30, 100, 1e4, 1e30]) {
    const real = tf.tensor2d([-big, big], [2, 1]);
    const fake = tf.tensor2d([big, -big], [2, 1]);
    const lD = discriminatorLoss(real, fake).dataSync()[0]!;
    const lG = generatorLoss(fake).dataSync()[0]!;
    assert.ok(Number.isFinite(lD) && Number.isFinite(lG), `big=${big}: L_D ${lD}, L_G ${lG}`);
    // Worst case per element is softplus(big) ≈ big; the mean over two elements is big/2.
    assert.ok(Math.abs(lD - big) / big < 1e-5, `L_D ${lD} should be ≈ ${big}`);
    const g = tf.grad((x: tf.Tensor) => generatorLoss(x))(fake).dataSync();
    assert.ok(Array.from(g).every(Number.isFinite), `gradient ${Array.from(g)}`);
    // d/dx softplus(−x)/2 = −σ(−x)/2: −0.5 at x = −big, 0 at x = +big.
    assert.ok(Math.abs(g[0]! - 0) < 1e-6 && Math.abs(g[1]! + 0.5) < 1e-6, `gradient ${Array.from(g)}`);
  }
});

test('softplus is exact near zero and its gradient is the sigmoid', () => {
  const xs = [-20, -1, 0, 1e-3, 1, 20];
  const y = stableSoftplus(tf.tensor1d(xs)).dataSync();
  const g = tf.grad((x: tf.Tensor) => tf.sum(stableSoftplus(x)))(tf.tensor1d(xs)).dataSync();
  xs.forEach((x, i) => {
    assert.ok(Math.abs(y[i]! - Math.log1p(Math.exp(x))) < 1e-6, `softplus(${x})`);
    assert.ok(Math.abs(g[i]! - sigmoid(x)) < 1e-6, `σ(${x})`);
  });
});
