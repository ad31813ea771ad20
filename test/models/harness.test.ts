/**
 * One harness for every model family: shapes, same-seed determinism, save→load equality, BatchNorm modes,
 * one finite training step that moves only the variables it should, and no tensor leak.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildModels, MODEL_FAMILIES, type ModelConfig } from '../../src/models/index.js';
import { Adam } from '../../src/train/adam.js';
import { discriminatorStep, generatorStep, ganTrainStep, trainableVariables } from '../../src/train/gan-step.js';
import { loadModel, saveModel } from '../../src/train/model-io.js';
import { generateImages, latentCodes } from '../../src/train/samples.js';
import { flatWeights, tempDir, useTestBackend } from '../helpers.js';

await useTestBackend();

const ADAM = { lr: 2e-4, beta1: 0.5, beta2: 0.999, epsilon: 1e-8 };
const SHAPES = [
  { height: 28, width: 28, channels: 1 },
  { height: 32, width: 32, channels: 3 },
];

function trainableFlat(model: tf.LayersModel): Float32Array {
  return Float32Array.from(trainableVariables(model).flatMap((v) => Array.from(v.dataSync())));
}

for (const family of MODEL_FAMILIES) {
  for (const shape of SHAPES) {
    const cfg: ModelConfig = { family, latentDim: 16, ...shape };
    const name = `${family} ${shape.height}×${shape.width}×${shape.channels}`;

    test(`${name}: shapes and output range`, () => {
      const m = buildModels(cfg, 1);
      const z = tf.randomNormal([5, 16]);
      const x = m.generator.apply(z, { training: false }) as tf.Tensor;
      assert.deepEqual(x.shape, [5, shape.height, shape.width, shape.channels]);
      const v = x.dataSync();
      assert.ok(v.every((p) => p >= -1 && p <= 1), 'tanh output in [-1, 1]');
      const logits = m.discriminator.apply(x, { training: false }) as tf.Tensor;
      assert.deepEqual(logits.shape, [5, 1]);
      tf.dispose([z, x, logits]);
      m.generator.dispose();
      m.discriminator.dispose();
    });

    test(`${name}: the same seed builds the same weights, another seed others`, () => {
      const a = buildModels(cfg, 7);
      const b = buildModels(cfg, 7);
      const c = buildModels(cfg, 8);
      assert.deepEqual(flatWeights(a.generator), flatWeights(b.generator));
      assert.deepEqual(flatWeights(a.discriminator), flatWeights(b.discriminator));
      assert.notDeepEqual(flatWeights(a.generator), flatWeights(c.generator));
      for (const m of [a, b, c]) {
        m.generator.dispose();
        m.discriminator.dispose();
      }
    });

    test(`${name}: save → load gives the same weights and outputs`, async () => {
      const m = buildModels(cfg, 3);
      const dir = tempDir();
      try {
        await saveModel(m.generator, dir.path);
        const back = await loadModel(dir.path);
        assert.deepEqual(flatWeights(back), flatWeights(m.generator));
        const codes = latentCodes(4, 16, 1);
        assert.deepEqual(generateImages(back, codes, 16), generateImages(m.generator, codes, 16));
        back.dispose();
      } finally {
        dir.cleanup();
        m.generator.dispose();
        m.discriminator.dispose();
      }
    });

    test(`${name}: one step is finite, D's step leaves G alone and G's step leaves D alone, no leak`, () => {
      const m = buildModels(cfg, 5);
      const opt = {
        generator: new Adam(trainableVariables(m.generator), ADAM),
        discriminator: new Adam(trainableVariables(m.discriminator), ADAM),
      };
      const batch = {
        real: tf.randomUniform([4, shape.height, shape.width, shape.channels], -1, 1) as tf.Tensor4D,
        z: tf.randomNormal([4, 16]) as tf.Tensor2D,
      };
      const g0 = trainableFlat(m.generator);
      const d0 = trainableFlat(m.discriminator);
      const d = discriminatorStep(m, opt, batch);
      assert.ok(Number.isFinite(d.lossD) && d.dReal > 0 && d.dReal < 1 && d.dFake > 0 && d.dFake < 1);
      const g1 = trainableFlat(m.generator);
      const d1 = trainableFlat(m.discriminator);
      assert.deepEqual(g1, g0, "the discriminator's step changed the generator");
      assert.notDeepEqual(d1, d0, "the discriminator's step did not change the discriminator");
      const lossG = generatorStep(m, opt, batch);
      assert.ok(Number.isFinite(lossG));
      assert.deepEqual(trainableFlat(m.discriminator), d1, "the generator's step changed the discriminator");
      assert.notDeepEqual(trainableFlat(m.generator), g1, "the generator's step did not change the generator");

      ganTrainStep(m, opt, batch);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) ganTrainStep(m, opt, batch);
      assert.equal(tf.memory().numTensors, before, 'tensors leaked across training steps');
      tf.dispose([batch.real, batch.z]);
      opt.generator.dispose();
      opt.discriminator.dispose();
      m.generator.dispose();
      m.discriminator.dispose();
    });
  }
}

test('dcgan: BatchNorm uses batch statistics in training mode and moving statistics when sampling', () => {
  const m = buildModels({ family: 'dcgan', latentDim: 16, height: 28, width: 28, channels: 1 }, 2);
  const z = tf.randomNormal([8, 16]);
  const train = (m.generator.apply(z, { training: true }) as tf.Tensor).dataSync();
  const infer = (m.generator.apply(z, { training: false }) as tf.Tensor).dataSync();
  assert.notDeepEqual(Array.from(train), Array.from(infer));
  // Sampling is inference mode: generateImages equals the inference pass mapped to bytes.
  const codes = latentCodes(8, 16, 4);
  const a = generateImages(m.generator, codes, 16);
  const zc = tf.tensor2d(codes, [8, 16]);
  const ref = (m.generator.apply(zc, { training: false }) as tf.Tensor).dataSync();
  // tf.round rounds halves to even.
  const roundHalfEven = (x: number) => (Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x));
  assert.deepEqual(Array.from(a), Array.from(ref, (v) => Math.min(255, Math.max(0, roundHalfEven(Math.fround(Math.fround(v + 1) * 127.5))))));
  tf.dispose([z, zc]);
});

test('sample PNGs keep the model’s channels and pixels (grayscale stays one channel)', async () => {
  const { default: sharp } = await import('sharp');
  const { imagePng, gridPng } = await import('../../src/train/samples.js');
  const px = Uint8Array.from({ length: 2 * 4 * 5 }, (_, i) => (i * 7) % 256);
  const one = await imagePng(px, 1, 4, 5, 1);
  assert.equal((await sharp(one).metadata()).channels, 1, 'a grayscale PNG');
  const data = await sharp(one).extractChannel(0).raw().toBuffer();
  assert.deepEqual(Array.from(data), Array.from(px.subarray(20, 40)));
  assert.equal((await sharp(await gridPng(px, 2, 4, 5, 1)).metadata()).channels, 1);
  const rgb = Uint8Array.from({ length: 4 * 5 * 3 }, (_, i) => (i * 11) % 256);
  const c3 = await sharp(await imagePng(rgb, 0, 4, 5, 3)).raw().toBuffer({ resolveWithObject: true });
  assert.equal(c3.info.channels, 3);
  assert.deepEqual(Array.from(c3.data), Array.from(rgb));
});

test("dcgan: BatchNorm moving statistics move once per step (the discriminator's pass leaves them alone)", () => {
  const m = buildModels({ family: 'dcgan', latentDim: 16, height: 28, width: 28, channels: 1 }, 6);
  const opt = {
    generator: new Adam(trainableVariables(m.generator), ADAM),
    discriminator: new Adam(trainableVariables(m.discriminator), ADAM),
  };
  const batch = { real: tf.randomUniform([4, 28, 28, 1], -1, 1) as tf.Tensor4D, z: tf.randomNormal([4, 16]) as tf.Tensor2D };
  const moving = () => m.generator.nonTrainableWeights.map((w) => Array.from(w.read().dataSync()));
  assert.equal(m.generator.nonTrainableWeights.length, 4, 'two BatchNorm layers: moving mean and variance each');
  const m0 = moving();
  discriminatorStep(m, opt, batch);
  assert.deepEqual(moving(), m0, "the discriminator's step changed the generator's moving statistics");
  // One training-mode pass updates them: moving ← 0.9·moving + 0.1·batch statistic.
  const expected = tf.tidy(() => {
    const h = m.generator.layers[0]!.apply(batch.z) as tf.Tensor; // [B, 7·7·128] before the first BatchNorm
    const { mean } = tf.moments(h, 0);
    return Array.from(tf.add(tf.mul(tf.tensor(m0[0]!), 0.9), tf.mul(mean, 0.1)).dataSync());
  });
  generatorStep(m, opt, batch);
  const after = moving()[0]!;
  for (let i = 0; i < after.length; i++) assert.ok(Math.abs(after[i]! - expected[i]!) < 1e-5, `moving mean[${i}] ${after[i]} vs ${expected[i]}`);
  tf.dispose([batch.real, batch.z]);
});
