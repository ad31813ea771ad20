/**
 * The classic GAN as multilayer perceptrons (Goodfellow et al., "Generative Adversarial Nets", 2014).
 *
 *   generator:     z [B, latentDim] → 256 → 512 → 1024 → H·W·C (tanh) → [B, H, W, C]
 *   discriminator: [B, H, W, C] → flatten → 512 → 256 → 1 (logit)
 *
 * Hidden layers use LeakyReLU(0.2). The objective lives in src/train/gan-step.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { layerSeeds, type GanModels, type ModelConfig } from './types.js';

export interface GanConfig {
  readonly generatorUnits: readonly number[];
  readonly discriminatorUnits: readonly number[];
  readonly leak: number;
}

export const GAN_DEFAULTS: GanConfig = Object.freeze({
  generatorUnits: [256, 512, 1024],
  discriminatorUnits: [512, 256],
  leak: 0.2,
});

function dense(units: number, seed: number, inputShape?: number[]): tf.layers.Layer {
  return tf.layers.dense({
    units,
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
    ...(inputShape ? { inputShape } : {}),
  });
}

export function buildGanGenerator(cfg: ModelConfig, seed: number, gan: GanConfig = GAN_DEFAULTS): tf.LayersModel {
  const nextSeed = layerSeeds(seed);
  const layers: tf.layers.Layer[] = [];
  gan.generatorUnits.forEach((units, i) => {
    layers.push(dense(units, nextSeed(), i === 0 ? [cfg.latentDim] : undefined)); // [B, units]
    layers.push(tf.layers.leakyReLU({ alpha: gan.leak }));
  });
  layers.push(dense(cfg.height * cfg.width * cfg.channels, nextSeed())); // [B, H·W·C]
  layers.push(tf.layers.activation({ activation: 'tanh' }));
  layers.push(tf.layers.reshape({ targetShape: [cfg.height, cfg.width, cfg.channels] })); // [B, H, W, C]
  return tf.sequential({ name: 'generator', layers });
}

export function buildGanDiscriminator(cfg: ModelConfig, seed: number, gan: GanConfig = GAN_DEFAULTS): tf.LayersModel {
  const nextSeed = layerSeeds(seed + 1);
  const layers: tf.layers.Layer[] = [tf.layers.flatten({ inputShape: [cfg.height, cfg.width, cfg.channels] })]; // [B, H·W·C]
  for (const units of gan.discriminatorUnits) {
    layers.push(dense(units, nextSeed())); // [B, units]
    layers.push(tf.layers.leakyReLU({ alpha: gan.leak }));
  }
  layers.push(dense(1, nextSeed())); // [B, 1] logits
  return tf.sequential({ name: 'discriminator', layers });
}

export function buildGan(cfg: ModelConfig, seed: number): GanModels {
  return { generator: buildGanGenerator(cfg, seed), discriminator: buildGanDiscriminator(cfg, seed) };
}
