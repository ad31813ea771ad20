/** Sampling a loaded run to files: a grid PNG, an IDX file, or a folder of PNGs. Same seed, same bytes. */
import { mkdirSync, existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { log } from '../log.js';
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

/** An output file path that can be written: not a folder, its parent a folder (created when missing). */
function checkOutFile(out: string, format: SampleFormat): void {
  if (existsSync(out) && statSync(out).isDirectory()) {
    throw new GenforgeError(ERROR_CODES.BAD_OUTPUT, `--out ${out}: is a folder; --format ${format} writes one file (or use --format png-dir for a folder)`);
  }
  const parent = dirname(out);
  if (existsSync(parent) && !statSync(parent).isDirectory()) {
    throw new GenforgeError(ERROR_CODES.BAD_OUTPUT, `--out ${out}: ${parent} is a file, not a folder`);
  }
  try {
    mkdirSync(parent, { recursive: true });
  } catch (e) {
    throw new GenforgeError(ERROR_CODES.BAD_OUTPUT, `--out ${out}: cannot create ${parent} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

export async function writeSamples(run: LoadedRun, req: SampleRequest): Promise<string[]> {
  const { height: h, width: w, channels: c } = run.info.model;
  if (req.format === 'png-dir') {
    if (existsSync(req.out) && !statSync(req.out).isDirectory()) {
      throw new GenforgeError(ERROR_CODES.BAD_OUTPUT, `--out ${req.out}: is a file; --format png-dir writes a folder of PNGs`);
    }
  } else {
    checkOutFile(req.out, req.format);
    const ext = extname(req.out).toLowerCase();
    const want = req.format === 'png' ? ['.png'] : ['.idx', '.ubyte', ''];
    if (!want.includes(ext) && !(req.format === 'idx' && /-idx\d-ubyte$/.test(req.out))) {
      log.warn(`--out ${req.out}: --format ${req.format} writes ${req.format === 'png' ? 'a PNG image' : 'an IDX file'}, whatever the file name says`);
    }
  }
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
