/** Model families by name. */
import { buildGan } from './gan.js';
import { buildDcgan } from './dcgan.js';
import type { GanModels, ModelConfig } from './types.js';

export * from './types.js';
export { buildGan, buildGanGenerator, buildGanDiscriminator, GAN_DEFAULTS } from './gan.js';
export { buildDcgan, buildDcganGenerator, buildDcganDiscriminator, DCGAN_DEFAULTS } from './dcgan.js';

/** Build a freshly initialised generator and discriminator for `cfg`, seeded. */
export function buildModels(cfg: ModelConfig, seed: number): GanModels {
  switch (cfg.family) {
    case 'gan':
      return buildGan(cfg, seed);
    case 'dcgan':
      return buildDcgan(cfg, seed);
  }
}
