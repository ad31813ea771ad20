/**
 * DCGAN (Radford, Metz & Chintala, "Unsupervised Representation Learning with Deep Convolutional Generative
 * Adversarial Networks", 2015), in the small form used for MNIST-sized images.
 *
 *   generator:     z [B, latentDim] → Dense(h0·w0·128, no bias) → BatchNorm → LeakyReLU(0.2)
 *                  → reshape [B, h0, w0, 128] → Conv2DTranspose(64, 4, stride 2, same, no bias) → BatchNorm
 *                  → LeakyReLU(0.2) → Conv2DTranspose(C, 4, stride 2, same) → tanh → [B, H, W, C]
 *   discriminator: [B, H, W, C] → Conv2D(64, 4, stride 2, same) → LeakyReLU(0.2) → Conv2D(128, 4, stride 2, same)
 *                  → LeakyReLU(0.2) → flatten → Dense(1) (logit)
 *
 * with h0 = H/4, w0 = W/4 (28×28 → 7×7; 32×32 → 8×8; 64×64 → 16×16). BatchNorm uses PyTorch's defaults
 * (momentum 0.1, i.e. Keras momentum 0.9, epsilon 1e-5) so that runs compare with the PyTorch peer.
 */
import * as tf from '@tensorflow/tfjs';
import { GenforgeError, ERROR_CODES } from '../errors.js';
import { layerSeeds, type GanModels, type ModelConfig } from './types.js';

export interface DcganConfig {
  readonly baseFilters: number;
  readonly leak: number;
  readonly kernelSize: number;
}

export const DCGAN_DEFAULTS: DcganConfig = Object.freeze({ baseFilters: 64, leak: 0.2, kernelSize: 4 });

function batchNorm(): tf.layers.Layer {
  return tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 });
}

export function checkDcganShape(cfg: ModelConfig): void {
  if (cfg.height % 4 !== 0 || cfg.width % 4 !== 0) {
    throw new GenforgeError(
      ERROR_CODES.BAD_CONFIG,
      `--model dcgan needs an image height and width divisible by 4, found ${cfg.height}×${cfg.width}; ` +
        'use --image-size 28, 32 or 64 for image folders, or --model gan',
    );
  }
}

export function buildDcganGenerator(cfg: ModelConfig, seed: number, dc: DcganConfig = DCGAN_DEFAULTS): tf.LayersModel {
  checkDcganShape(cfg);
  const nextSeed = layerSeeds(seed);
  const h0 = cfg.height / 4;
  const w0 = cfg.width / 4;
  const f = dc.baseFilters;
  return tf.sequential({
    name: 'generator',
    layers: [
      tf.layers.dense({
        inputShape: [cfg.latentDim],
        units: h0 * w0 * 2 * f,
        useBias: false,
        kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
      }), // [B, h0·w0·128]
      batchNorm(),
      tf.layers.leakyReLU({ alpha: dc.leak }),
      tf.layers.reshape({ targetShape: [h0, w0, 2 * f] }), // [B, h0, w0, 128]
      tf.layers.conv2dTranspose({
        filters: f,
        kernelSize: dc.kernelSize,
        strides: 2,
        padding: 'same',
        useBias: false,
        kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
      }), // [B, 2·h0, 2·w0, 64]
      batchNorm(),
      tf.layers.leakyReLU({ alpha: dc.leak }),
      tf.layers.conv2dTranspose({
        filters: cfg.channels,
        kernelSize: dc.kernelSize,
        strides: 2,
        padding: 'same',
        activation: 'tanh',
        kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
      }), // [B, H, W, C]
    ],
  });
}

export function buildDcganDiscriminator(cfg: ModelConfig, seed: number, dc: DcganConfig = DCGAN_DEFAULTS): tf.LayersModel {
  checkDcganShape(cfg);
  const nextSeed = layerSeeds(seed + 1);
  const f = dc.baseFilters;
  return tf.sequential({
    name: 'discriminator',
    layers: [
      tf.layers.conv2d({
        inputShape: [cfg.height, cfg.width, cfg.channels],
        filters: f,
        kernelSize: dc.kernelSize,
        strides: 2,
        padding: 'same',
        kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
      }), // [B, H/2, W/2, 64]
      tf.layers.leakyReLU({ alpha: dc.leak }),
      tf.layers.conv2d({
        filters: 2 * f,
        kernelSize: dc.kernelSize,
        strides: 2,
        padding: 'same',
        kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
      }), // [B, H/4, W/4, 128]
      tf.layers.leakyReLU({ alpha: dc.leak }),
      tf.layers.flatten(), // [B, H/4·W/4·128]
      tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }) }), // [B, 1] logits
    ],
  });
}

export function buildDcgan(cfg: ModelConfig, seed: number): GanModels {
  return { generator: buildDcganGenerator(cfg, seed), discriminator: buildDcganDiscriminator(cfg, seed) };
}
