/** `genforge sample` flags and help. */
import { Command } from 'commander';
import { BACKEND_NAMES } from '../backend/index.js';
import { choiceFlag, intFlag } from './options.js';

export const SAMPLE_FORMATS = ['png', 'idx', 'png-dir'] as const;

export function addSampleCommand(program: Command, action: (opts: Record<string, unknown>, cmd: Command) => Promise<void>): Command {
  return program
    .command('sample')
    .description("draw images from a trained run's generator")
    .requiredOption('--run <dir>', 'a run folder written by genforge train')
    .option('--n <count>', 'how many images (default 64)', intFlag(1, 1_000_000))
    .option('--seed <n>', 'seed of the latent codes: the same seed gives the same bytes (default 0)', intFlag(0, 2 ** 31 - 1))
    .option('--format <kind>', 'png: one grid image; idx: an MNIST-format IDX file (uint8 n×H×W, or n×H×W×C); png-dir: one PNG per image (default png)', choiceFlag(SAMPLE_FORMATS))
    .requiredOption('--out <path>', 'output file (png, idx) or folder (png-dir)')
    .option('--backend <name>', `${BACKEND_NAMES.join(', ')} (default auto)`, choiceFlag(BACKEND_NAMES))
    .addHelpText(
      'after',
      `
Examples:
  genforge sample --run runs/mnist-dcgan --n 64 --seed 3 --out grid.png
  genforge sample --run runs/mnist-dcgan --n 10000 --format idx --out samples.idx
  genforge sample --run runs/mnist-dcgan --n 100 --format png-dir --out samples/`,
    )
    .action(async (opts, cmd) => action(opts, cmd));
}
