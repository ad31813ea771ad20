/** Sampling a loaded run to files: a grid PNG, an IDX file, or a folder of PNGs. Same seed, same bytes. */
import { mkdirSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { GenforgeError, ERROR_CODES } from '../errors.js';
import { encodeIdx } from '../data/idx.js';
import { writeFileAtomic } from '../util/atomic.js';
import { generateImages, gridPng, imagePng, latentCodes } from './samples.js';
import type { LoadedRun } from './load.js';

export type SampleFormat = 'png' | 'idx' | 'png-dir';

export interface SampleRequest {
  readonly n: number;
  readonly seed: number;
  readonly format: SampleFormat;
  readonly out: string;
}

/** Images [n, H, W, C] as uint8 from the run's generator. */
export function sampleImages(run: LoadedRun, n: number, seed: number): Uint8Array {
  const latentDim = run.info.model.latentDim;
  return generateImages(run.generator, latentCodes(n, latentDim, seed), latentDim);
}

export async function writeSamples(run: LoadedRun, req: SampleRequest): Promise<string[]> {
  const { height: h, width: w, channels: c } = run.info.model;
  const px = sampleImages(run, req.n, req.seed);
  switch (req.format) {
    case 'png':
      writeFileAtomic(req.out, await gridPng(px, req.n, h, w, c));
      return [req.out];
    case 'idx': {
      const dims = c === 1 ? [req.n, h, w] : [req.n, h, w, c];
      writeFileAtomic(req.out, encodeIdx(px, dims));
      return [req.out];
    }
    case 'png-dir': {
      if (existsSync(req.out) && readdirSync(req.out).length > 0) {
        throw new GenforgeError(ERROR_CODES.BAD_OUTPUT, `--out ${req.out}: the folder exists and is not empty; choose a new folder for --format png-dir`);
      }
      mkdirSync(req.out, { recursive: true });
      const width = String(req.n - 1).length;
      const files: string[] = [];
      for (let i = 0; i < req.n; i++) {
        const p = join(req.out, `sample-${String(i).padStart(width, '0')}.png`);
        writeFileAtomic(p, await imagePng(px, i, h, w, c));
        files.push(p);
      }
      return files;
    }
  }
}
