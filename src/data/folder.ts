/**
 * A folder of PNG/JPEG images as a Dataset, decoded with sharp (libvips).
 *
 * Layout: if the folder has sub-folders holding images, each such sub-folder is a class (its images may sit
 * in nested folders), labels are class indices and classNames the sub-folder names sorted by code point;
 * images lying directly in the top folder are then ignored with a warning. Otherwise the images directly in
 * the folder form an unlabeled dataset. Files whose extension is not .png/.jpg/.jpeg, and names starting
 * with "." (macOS "._x.jpg" resource forks, .DS_Store), are ignored.
 *
 * Every image comes out as uint8 sRGB (or 8-bit gray) pixels, `imageSize`² (default 32), by one pipeline:
 *   1. EXIF orientation applied (autoOrient), so a phone photo shot sideways comes out upright;
 *   2. resized with fit "cover" and a centre crop to a square (no distortion, the borders are cut);
 *   3. alpha composited over white (flatten): transparent pixels of icons and sprites are usually
 *      background, and the colour stored under alpha 0 is arbitrary (often black), so dropping alpha would
 *      show garbage; white is what such images look like in a browser or viewer;
 *   4. converted to sRGB (channels 3) or gray (channels 1), which also maps CMYK JPEGs through an ICC
 *      profile, expands palette PNGs and takes 16-bit PNGs to 8 bits.
 * Default channels: 1 when every readable image stores one colour channel (gray or gray + alpha, 8 or 16
 * bits), else 3. A palette PNG counts as colour even if its palette is gray.
 *
 * Every file is read and decoded before the Dataset is returned, so a bad file is found before training
 * starts. Unreadable files are skipped with one warning listing them; with `strict` they are an error
 * (NO_IMAGES). Decoding runs with bounded concurrency (libvips decodes on its own thread pool).
 */
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, sep } from 'node:path';
import sharp from 'sharp';
import { ERROR_CODES, GenforgeError, fmtCount } from '../errors.js';
import { log } from '../log.js';
import type { Dataset } from './types.js';

export const IMAGE_EXTENSIONS: readonly string[] = Object.freeze(['.png', '.jpg', '.jpeg']);
export const DEFAULT_IMAGE_SIZE = 32;
const MAX_IMAGE_SIZE = 4096;
/** How many unreadable files a warning or error names before it says "and N more". */
const LIST_LIMIT = 20;

export interface FolderOptions {
  /** Side of the square output images; default 32. */
  readonly imageSize?: number;
  /** 1 (gray) or 3 (RGB); default 1 when every image is grayscale, else 3. */
  readonly channels?: 1 | 3;
  /** Unreadable images are an error (NO_IMAGES) instead of a warning. */
  readonly strict?: boolean;
  /** Images in flight at once; default 4 × the number of CPUs, from 8 to 64 (libvips decodes on its own threads). */
  readonly concurrency?: number;
}

/** What a folder holds, before anything is decoded. */
export interface FolderListing {
  /** Image files, absolute paths, in dataset order (by class, then by path). */
  readonly files: readonly string[];
  /** Class index per file, or null when the folder has no class sub-folders. */
  readonly labels: readonly number[] | null;
  readonly classNames: readonly string[] | null;
  /** Files that are not PNG/JPEG by extension, or hidden. */
  readonly ignored: number;
}

function isImageName(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot > 0 && IMAGE_EXTENSIONS.includes(name.slice(dot).toLowerCase());
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Entries of a directory split into sub-directories and files (symlinks followed), hidden names skipped. */
function readDir(dir: string): { dirs: string[]; files: string[]; hidden: number } {
  const dirs: string[] = [];
  const files: string[] = [];
  let hidden = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) {
      hidden++;
      continue;
    }
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    if (e.isSymbolicLink()) {
      try {
        const st = statSync(join(dir, e.name));
        isDir = st.isDirectory();
        isFile = st.isFile();
      } catch {
        isFile = true; // a dangling link: let decoding report it as unreadable
      }
    }
    if (isDir) dirs.push(e.name);
    else if (isFile) files.push(e.name);
  }
  dirs.sort(byCodePoint);
  files.sort(byCodePoint);
  return { dirs, files, hidden };
}

/** Image files under `dir`, recursively, sorted by their path relative to `dir`; counts what was ignored. */
function imagesUnder(dir: string): { files: string[]; ignored: number } {
  const out: { rel: string; file: string }[] = [];
  let ignored = 0;
  const seen = new Set<string>(); // real paths walked, so that a symlink loop is walked once
  const walk = (sub: string): void => {
    const here = join(dir, sub);
    const real = realpathSync(here);
    if (seen.has(real)) return;
    seen.add(real);
    const { dirs, files, hidden } = readDir(here);
    const images = files.filter(isImageName);
    ignored += hidden + files.length - images.length;
    for (const f of images) out.push({ rel: sub ? `${sub}/${f}` : f, file: join(here, f) });
    for (const d of dirs) walk(sub ? `${sub}/${d}` : d);
  };
  walk('');
  out.sort((a, b) => byCodePoint(a.rel, b.rel));
  return { files: out.map((o) => o.file), ignored };
}

/** List a folder's images and classes (see the header comment for the rules). */
export function listImageFolder(dir: string): FolderListing {
  const top = readDir(dir);
  const topImages = top.files.filter(isImageName);
  let ignored = top.hidden + top.files.length - topImages.length;

  const classes: { name: string; files: string[] }[] = [];
  const empty: string[] = [];
  for (const d of top.dirs) {
    const sub = imagesUnder(join(dir, d));
    ignored += sub.ignored;
    if (sub.files.length > 0) classes.push({ name: d, files: sub.files });
    else empty.push(d);
  }

  if (classes.length === 0) {
    return { files: topImages.map((f) => join(dir, f)), labels: null, classNames: null, ignored };
  }
  if (classes.length > 256) {
    throw new GenforgeError(ERROR_CODES.DATA_MISMATCH, `${dir} has ${fmtCount(classes.length)} class sub-folders, at most 256 are supported; group the images into fewer sub-folders`);
  }
  if (topImages.length > 0) {
    log.warn(`${dir}: ${fmtCount(topImages.length)} image files directly in the folder are ignored, since its sub-folders are the classes; move them into a class sub-folder to use them`);
  }
  if (empty.length > 0) {
    log.warn(`${dir}: sub-folders without PNG/JPEG images are not used as classes: ${empty.join(', ')}`);
  }
  const files: string[] = [];
  const labels: number[] = [];
  classes.forEach((c, k) => {
    for (const f of c.files) {
      files.push(f);
      labels.push(k);
    }
  });
  return { files, labels, classNames: classes.map((c) => c.name), ignored };
}

/** Run `fn` over `items` with at most `limit` calls in flight; results in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

async function attempt<T>(f: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await f() };
  } catch (e) {
    return { ok: false, reason: ((e as Error).message ?? String(e)).split('\n')[0]!.trim() };
  }
}

/** True when the file stores a single colour channel (gray, optionally with alpha, 8 or 16 bits). */
async function isGrayscale(file: string): Promise<boolean> {
  const m = await sharp(file).metadata();
  if (!m.width || !m.height) throw new Error('no image dimensions');
  return (m.space === 'b-w' || m.space === 'grey16') && !m.isPalette;
}

/** Decode one file to exactly size × size × channels uint8 bytes (see the pipeline in the header). */
async function decode(file: string, size: number, channels: 1 | 3): Promise<Buffer> {
  const { data, info } = await sharp(file, { failOn: 'error' })
    .autoOrient()
    .resize(size, size, { fit: 'cover', position: 'centre' })
    .flatten({ background: '#ffffff' })
    .toColourspace(channels === 1 ? 'b-w' : 'srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.width !== size || info.height !== size || info.channels !== channels || data.length !== size * size * channels) {
    throw new Error(`decoded to ${info.width}×${info.height}×${info.channels}, expected ${size}×${size}×${channels}`);
  }
  return data;
}

/** Decode `indices` of `files` into one [N, size, size, channels] buffer; returns what decoded and what failed. */
async function decodeAll(
  files: readonly string[],
  indices: readonly number[],
  size: number,
  channels: 1 | 3,
  limit: number,
): Promise<{ kept: number[]; pixels: Uint8Array; failed: { file: string; reason: string }[] }> {
  const imageBytes = size * size * channels;
  const pixels = new Uint8Array(indices.length * imageBytes);
  const failed: { file: string; reason: string }[] = [];
  const ok = await mapLimit(indices, limit, async (fileIndex, slot) => {
    const r = await attempt(() => decode(files[fileIndex]!, size, channels));
    if (r.ok) pixels.set(r.value, slot * imageBytes);
    else failed.push({ file: files[fileIndex]!, reason: r.reason });
    return r.ok;
  });
  const kept = indices.filter((_, slot) => ok[slot]);
  if (kept.length === indices.length) return { kept, pixels, failed };
  // Close the gaps left by files that failed.
  let to = 0;
  ok.forEach((good, slot) => {
    if (!good) return;
    if (to !== slot) pixels.copyWithin(to * imageBytes, slot * imageBytes, (slot + 1) * imageBytes);
    to++;
  });
  return { kept, pixels: pixels.slice(0, to * imageBytes), failed };
}

function listFailures(dir: string, failed: readonly { file: string; reason: string }[]): string {
  const shown = failed.slice(0, LIST_LIMIT).map((f) => `${relative(dir, f.file).split(sep).join('/')} (${f.reason})`);
  const more = failed.length > LIST_LIMIT ? `; and ${fmtCount(failed.length - LIST_LIMIT)} more` : '';
  return shown.join('; ') + more;
}

/** Decode every image of a folder into a Dataset (see the header comment). */
export async function loadFolderDataset(dir: string, options: FolderOptions = {}): Promise<Dataset> {
  const size = options.imageSize ?? DEFAULT_IMAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_IMAGE_SIZE) {
    throw new GenforgeError(ERROR_CODES.BAD_CONFIG, `imageSize must be an integer from 1 to ${MAX_IMAGE_SIZE}, got ${String(size)}`);
  }
  if (options.channels !== undefined && options.channels !== 1 && options.channels !== 3) {
    throw new GenforgeError(ERROR_CODES.BAD_CONFIG, `channels must be 1 or 3, got ${String(options.channels)}`);
  }
  const limit = Math.max(1, options.concurrency ?? Math.min(64, Math.max(8, 4 * availableParallelism())));

  // 1. What is there.
  const listing = listImageFolder(dir);
  if (listing.files.length === 0) {
    const other = listing.ignored > 0 ? ` (${fmtCount(listing.ignored)} other files ignored)` : '';
    throw new GenforgeError(ERROR_CODES.NO_IMAGES, `${dir} holds no PNG/JPEG images${other}; pass a folder of .png/.jpg/.jpeg files, or one sub-folder of them per class`);
  }
  if (listing.ignored > 0) log.debug(`${dir}: ${fmtCount(listing.ignored)} non-image or hidden files ignored`);

  // 2. Read every header: most unreadable files are found here, and the default channel count decided.
  const failed: { file: string; reason: string }[] = [];
  const gray = await mapLimit(listing.files, limit, (f) => attempt(() => isGrayscale(f)));
  const readable: number[] = [];
  gray.forEach((g, i) => {
    if (g.ok) readable.push(i);
    else failed.push({ file: listing.files[i]!, reason: g.reason });
  });
  const allGray = (files: readonly number[]): boolean => files.length > 0 && files.every((i) => (gray[i] as { value: boolean }).value);
  let channels: 1 | 3 = options.channels ?? (allGray(readable) ? 1 : 3);

  // 3. Decode every readable file; a file can still fail here (e.g. truncated pixel data).
  let decoded = await decodeAll(listing.files, readable, size, channels, limit);
  failed.push(...decoded.failed);
  // The only colour files may have been among those that failed: then the default is 1 channel after all.
  if (options.channels === undefined && channels === 3 && allGray(decoded.kept)) {
    channels = 1;
    decoded = await decodeAll(listing.files, decoded.kept, size, channels, limit);
    failed.push(...decoded.failed);
  }
  const { kept, pixels } = decoded;

  // 4. Report unreadable files once, sorted like the listing.
  if (failed.length > 0) {
    const order = new Map(listing.files.map((f, i) => [f, i]));
    failed.sort((a, b) => order.get(a.file)! - order.get(b.file)!);
    const what = `${fmtCount(failed.length)} of ${fmtCount(listing.files.length)} image files in ${dir} cannot be decoded`;
    if (kept.length === 0) {
      throw new GenforgeError(ERROR_CODES.NO_IMAGES, `${dir} has no readable image: ${what}: ${listFailures(dir, failed)}; re-export or replace them`);
    }
    if (options.strict) {
      throw new GenforgeError(ERROR_CODES.NO_IMAGES, `${what} (strict mode): ${listFailures(dir, failed)}; fix or remove them, or run without --strict to skip them`);
    }
    log.warn(`${what} and are skipped: ${listFailures(dir, failed)}`);
  }

  const labels = listing.labels ? Uint8Array.from(kept, (i) => listing.labels![i]!) : null;
  return {
    name: dir,
    split: 'all',
    source: `${dir} (${fmtCount(kept.length)} PNG/JPEG files, decoded to ${size}×${size}×${channels})`,
    count: kept.length,
    height: size,
    width: size,
    channels,
    pixels,
    labels,
    classNames: listing.classNames,
  };
}
