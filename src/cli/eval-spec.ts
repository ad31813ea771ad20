/** `genforge eval` flags and help (the action lives in eval.ts, loaded on use). */
import { Command } from 'commander';
import { BACKEND_NAMES } from '../backend/index.js';
import { choiceFlag, intFlag } from './options.js';

export function addEvalCommand(program: Command, action: (opts: Record<string, unknown>, cmd: Command) => Promise<void>): Command {
  return program
    .command('eval')
    .description('score generated images: FID, KID, precision/recall, density/coverage, Inception Score, class coverage, memorization, beside real-data baselines')
    .option('--run <dir>', 'a run folder: sample --n images from its newest checkpoint; writes eval.json and eval.html into it')
    .option('--n <count>', 'samples drawn from --run (default 10000)', intFlag(2, 1_000_000))
    .option('--samples <file|folder>', 'generated images to score: an IDX file (uint8 n×H×W or n×H×W×C) or a folder of PNGs')
    .option('--sample-labels <file>', 'IDX labels file: the class each --samples image was generated for (conditional models)')
    .option('--dataset <name|path>', 'the real data for --samples: mnist, fashion-mnist, an IDX image file or an image folder; with --train-evaluator alone, the dataset whose evaluator to train')
    .option('--labels <path>', 'IDX label file for an IDX --dataset')
    .option('--image-size <px>', 'for an image-folder --dataset: the side its images were resized to for training (default 32)', intFlag(4, 512))
    .option('--channels <n>', 'for an image-folder --dataset: 1 or 3 (default: 1 if every image is grayscale, else 3)', choiceFlag(['1', '3']))
    .option('--features-real <file>', 'precomputed real features (.npy or JSON rows); use with --features-fake')
    .option('--features-fake <file>', 'precomputed generated features (.npy or JSON rows); use with --features-real')
    .option('--kid-subsets <n>', 'KID: random subsets averaged (default 100)', intFlag(1, 100_000))
    .option('--kid-subset-size <n>', 'KID: samples per subset, 0 = the whole sets (default 1000)', intFlag(0, 10_000_000))
    .option('--memorization-train <n>', 'training images searched for near copies, 0 = all (default 20000)', intFlag(0, 100_000_000))
    .option('--memorization-space <space>', 'distance space of the memorization check: features or pixels (default features)', choiceFlag(['features', 'pixels'] as const))
    .option('--seed <n>', 'seed of the samples drawn from --run, the KID subsets and the real subsets (default 0)', intFlag(0, 2 ** 31 - 1))
    .option('--train-evaluator', "(re)train the dataset's evaluator even when one is cached (it is trained automatically on first use)")
    .option('--json', 'print the report as one JSON object on the last line of stdout (the table goes to stderr)')
    .option('--backend <name>', `${BACKEND_NAMES.join(', ')} (default auto)`, choiceFlag(BACKEND_NAMES))
    .addHelpText(
      'after',
      `
Examples:
  genforge eval --run runs/mnist-dcgan                      # 10,000 samples; writes eval.json, eval.html
  genforge eval --samples samples.idx --dataset mnist --json
  genforge eval --samples pngs/ --dataset fashion-mnist
  genforge eval --features-real real.npy --features-fake fake.npy
  genforge eval --train-evaluator --dataset fashion-mnist

The evaluator is a small CNN trained once per dataset and cached in $GENFORGE_CACHE/evaluators
(default ~/.cache/genforge); unlabeled image folders get a self-supervised autoencoder instead.`,
    )
    .action(async (opts, cmd) => action(opts, cmd));
}
