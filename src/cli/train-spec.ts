/** `genforge train` flags and help (the action lives in train.ts, loaded on use). */
import { Command } from 'commander';
import { BACKEND_NAMES } from '../backend/index.js';
import { MODEL_FAMILIES } from '../models/types.js';
import { choiceFlag, floatFlag, intFlag } from './options.js';

export function addTrainCommand(program: Command, action: (opts: Record<string, unknown>, cmd: Command) => Promise<void>): Command {
  return program
    .command('train')
    .description('train a generator on a dataset; writes a run folder with checkpoints, samples and loss curves')
    .option('--model <family>', `model family: ${MODEL_FAMILIES.join(', ')} (default dcgan)`, choiceFlag(MODEL_FAMILIES))
    .option('--dataset <name|path>', 'mnist (default), fashion-mnist, an IDX image file, or a folder of PNG/JPEG images (one sub-folder per class for labels)')
    .option('--labels <path>', 'IDX label file for an IDX image file')
    .option('--image-size <px>', 'side of the square images made from an image folder (default 32)', intFlag(4, 512))
    .option('--channels <n>', 'channels for an image folder: 1 or 3 (default: 1 if every image is grayscale, else 3)', choiceFlag(['1', '3']))
    .option('--strict', 'unreadable images in a folder are an error instead of a warning')
    .option('--epochs <n>', 'passes over the dataset (default 1)', intFlag())
    .option('--steps <n>', 'a budget in training steps instead of epochs', intFlag())
    .option('--batch-size <n>', 'images per step (default 64)', intFlag(1, 4096))
    .option('--lr <rate>', 'Adam learning rate (default 0.0002)', floatFlag(0, 1))
    .option('--beta1 <b>', 'Adam β1 (default 0.5)', floatFlag(0, 0.999999))
    .option('--beta2 <b>', 'Adam β2 (default 0.999)', floatFlag(0, 0.999999))
    .option('--latent-dim <n>', 'size of the latent code z (default 100)', intFlag(1, 4096))
    .option('--seed <n>', 'random seed: same seed and backend give the same weights (default 1)', intFlag(0, 2 ** 31 - 1))
    .option('--backend <name>', `${BACKEND_NAMES.join(', ')} (default auto: the fastest that loads)`, choiceFlag(BACKEND_NAMES))
    .option('--sample-every <steps>', 'write a sample grid every N steps (default 200)', intFlag())
    .option('--checkpoint-every <steps>', 'write a checkpoint every N steps (default 500)', intFlag())
    .option('--eval-every <epochs>', 'score the generator every N epochs and at the end (FID etc. on 2,000 samples, see docs/eval.md); keeps the best by FID in checkpoints/best/', intFlag())
    .option('--log-every <steps>', 'flush metrics and print a log line every N steps when not on a terminal (default 50)', intFlag())
    .option('--config <file>', 'a JSON preset of these settings (flags override it), e.g. configs/mnist-dcgan.json')
    .option('--out <dir>', 'run folder to create (default runs/<dataset>-<model>)')
    .option('--resume <dir>', 'continue the run in <dir> from its newest checkpoint up to --steps/--epochs in total')
    .option('--no-progress', 'no progress bar; one log line every --log-every steps instead')
    .addHelpText(
      'after',
      `
Examples:
  genforge train --model gan --epochs 3 --out runs/mnist-gan
  genforge train --model dcgan --dataset mnist --epochs 1 --batch-size 64 --seed 1 --out runs/mnist-dcgan
  genforge train --dataset ./photos --image-size 32 --channels 3 --steps 2000 --out runs/photos
  genforge train --resume runs/mnist-dcgan --epochs 2

Ctrl-C saves a checkpoint and stops; continue with --resume.`,
    )
    .action(async (opts, cmd) => action(opts, cmd));
}
