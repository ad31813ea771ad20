/**
 * One training step of the GAN objective (shared by the classic GAN and DCGAN: they differ in architecture,
 * not in loss). Pure: given the models, their optimizers and a batch, it updates the weights and returns
 * the step's metrics; every intermediate tensor is freed.
 *
 *   1. Discriminator: fake = G(z) with no gradient to G; L_D = E[softplus(−D(x))] + E[softplus(D(fake))];
 *      update D's variables only.
 *   2. Generator: fake = G(z) again (same z, G unchanged, so the same images); L_G = E[softplus(−D(fake))]
 *      through the updated D; update G's variables only.
 *
 * BatchNorm layers run in training mode in both passes (batch statistics). Their moving averages are
 * updated once per step, as in PyTorch: step 1 restores the generator's moving statistics after its
 * forward pass, so only step 2's pass (the same batch, hence the same statistics) updates them.
 */
import * as tf from '@tensorflow/tfjs';
import { discriminatorLoss, generatorLoss } from './losses.js';
import type { Adam } from './adam.js';
import type { GanModels } from '../models/types.js';

export interface GanOptimizers {
  readonly generator: Adam;
  readonly discriminator: Adam;
}

export interface GanBatch {
  /** Real images [B, H, W, C] in [-1, 1]. */
  readonly real: tf.Tensor4D;
  /** Latent codes [B, latentDim]. */
  readonly z: tf.Tensor2D;
}

export interface GanStepMetrics {
  readonly lossD: number;
  readonly lossG: number;
  /** Mean D(x) over the real batch (a probability). */
  readonly dReal: number;
  /** Mean D(G(z)) over the fake batch, before the discriminator's update. */
  readonly dFake: number;
}

/** The trainable variables of a layers model, in a fixed order. */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

function orderedGrads(grads: tf.NamedTensorMap, vars: readonly tf.Variable[]): tf.Tensor[] {
  return vars.map((v) => {
    const g = grads[v.name];
    if (!g) throw new Error(`no gradient for variable ${v.name}`);
    return g;
  });
}

/** Step 1: update D on L_D; G's variables are not touched. Returns L_D, mean D(x), mean D(G(z)). */
export function discriminatorStep(models: GanModels, opt: GanOptimizers, batch: GanBatch): { lossD: number; dReal: number; dFake: number } {
  const { generator: G, discriminator: D } = models;
  return tf.tidy(() => {
    const moving = G.nonTrainableWeights.map((w) => w.read());
    const saved = moving.map((v) => v.clone());
    let dReal!: tf.Scalar;
    let dFake!: tf.Scalar;
    const d = tf.variableGrads(() => {
      const fake = G.apply(batch.z, { training: true }) as tf.Tensor4D; // [B, H, W, C]
      const realLogits = D.apply(batch.real, { training: true }) as tf.Tensor2D; // [B, 1]
      const fakeLogits = D.apply(fake, { training: true }) as tf.Tensor2D; // [B, 1]
      dReal = tf.keep(tf.mean(tf.sigmoid(realLogits)) as tf.Scalar);
      dFake = tf.keep(tf.mean(tf.sigmoid(fakeLogits)) as tf.Scalar);
      return discriminatorLoss(realLogits, fakeLogits);
    }, opt.discriminator.vars as tf.Variable[]);
    opt.discriminator.apply(orderedGrads(d.grads, opt.discriminator.vars));
    moving.forEach((v, i) => (v as tf.Variable).assign(saved[i]!));
    const out = { lossD: d.value.dataSync()[0]!, dReal: dReal.dataSync()[0]!, dFake: dFake.dataSync()[0]! };
    dReal.dispose();
    dFake.dispose();
    return out;
  });
}

/** Step 2: update G on L_G through D; D's variables are not touched. Returns L_G. */
export function generatorStep(models: GanModels, opt: GanOptimizers, batch: GanBatch): number {
  const { generator: G, discriminator: D } = models;
  return tf.tidy(() => {
    const g = tf.variableGrads(() => {
      const fake = G.apply(batch.z, { training: true }) as tf.Tensor4D; // [B, H, W, C]
      return generatorLoss(D.apply(fake, { training: true }) as tf.Tensor2D);
    }, opt.generator.vars as tf.Variable[]);
    opt.generator.apply(orderedGrads(g.grads, opt.generator.vars));
    return g.value.dataSync()[0]!;
  });
}

export function ganTrainStep(models: GanModels, opt: GanOptimizers, batch: GanBatch): GanStepMetrics {
  const d = discriminatorStep(models, opt, batch);
  const lossG = generatorStep(models, opt, batch);
  return { lossD: d.lossD, lossG, dReal: d.dReal, dFake: d.dFake };
}
