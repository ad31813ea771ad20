/**
 * What every generative model family shares: the image shape it works on, the size of its latent code,
 * and the TF.js layers models that make it up.
 */
import type * as tf from '@tensorflow/tfjs';

export const MODEL_FAMILIES = ['gan', 'dcgan'] as const;
export type ModelFamily = (typeof MODEL_FAMILIES)[number];

export interface ImageShape {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

export interface ModelConfig extends ImageShape {
  readonly family: ModelFamily;
  readonly latentDim: number;
}

/** A generator maps z [B, latentDim] to images [B, H, W, C] in [-1, 1]; a discriminator maps them to logits [B, 1]. */
export interface GanModels {
  readonly generator: tf.LayersModel;
  readonly discriminator: tf.LayersModel;
}

/** Seeds for each layer's initializer, derived from one run seed so that runs are reproducible. */
export function layerSeeds(seed: number): () => number {
  let i = 0;
  return () => ((seed >>> 0) * 1_000_003 + 7919 * ++i) % 2_147_483_647;
}
