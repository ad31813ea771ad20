/**
 * Image folders: every PNG/JPEG kind decodes to the right pixels (checked at known positions), classes come
 * from sub-folders, unreadable files are reported once (or are an error with strict), nothing else is read.
 * Fixtures are made here, in a temp folder: PNGs by hand (fixtures.ts), JPEGs with sharp.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { listImageFolder, loadFolderDataset } from '../../src/data/folder.js';
import { ERROR_CODES, GenforgeError } from '../../src/errors.js';
import { setLogSink, type LogLevel } from '../../src/log.js';
import type { Dataset } from '../../src/data/types.js';
import { encodePng, pixelsOf } from './fixtures.js';

let root: string;
const logged: { level: LogLevel; msg: string }[] = [];

function put(rel: string, bytes: Uint8Array | string): void {
  const p = join(root, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, bytes);
}

/** Pixel (x, y) of image i as an array of its channels. */
function px(ds: Dataset, i: number, x: number, y: number): number[] {
  const at = ((i * ds.height + y) * ds.width + x) * ds.channels;
  return [...ds.pixels.subarray(at, at + ds.channels)];
}

function near(actual: readonly number[], expected: readonly number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((v, k) => assert.ok(Math.abs(v - expected[k]!) <= tol, `${what}: got [${actual.join(', ')}], expected [${expected.join(', ')}] ± ${tol}`));
}

/** 32 wide × 16 high, left half black, right half white, as raw RGB for sharp. */
function halvesRgb(w = 32, h = 16): Buffer {
  return Buffer.from(pixelsOf(w, h, (x) => (x < w / 2 ? [0, 0, 0] : [255, 255, 255])));
}

const BLACK = [0, 0, 0];
const WHITE = [255, 255, 255];

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'genforge-folder-'));
  setLogSink((level, msg) => logged.push({ level, msg }));

  // kinds/: one of each kind, named so that the sorted order is a, b, c, ...
  put('kinds/a-gray8.png', encodePng(32, 32, 0, 8, pixelsOf(32, 32, (x) => [x < 16 ? 0 : 200])));
  put('kinds/b-rgb8.png', encodePng(48, 16, 2, 8, pixelsOf(48, 16, (x) => (x < 16 ? [255, 0, 0] : x < 32 ? [0, 255, 0] : [0, 0, 255]))));
  put('kinds/c-rgba.png', encodePng(32, 32, 6, 8, pixelsOf(32, 32, (x) => (x < 16 ? [255, 0, 0, 255] : [0, 0, 0, 0]))));
  put('kinds/d-palette.png', encodePng(32, 32, 3, 8, pixelsOf(32, 32, (x) => [x < 16 ? 0 : 1]), [[255, 0, 0], [0, 0, 255]]));
  put('kinds/e-gray16.png', encodePng(32, 32, 0, 16, pixelsOf(32, 32, (_x, y) => [y < 16 ? 0x8080 : 0xffff])));
  put('kinds/f-rgb16.png', encodePng(32, 32, 2, 16, pixelsOf(32, 32, () => [0xffff, 0x8080, 0])));
  const halves = sharp(halvesRgb(), { raw: { width: 32, height: 16, channels: 3 } });
  put('kinds/g-cmyk.jpg', await halves.clone().toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer());
  put('kinds/h-exif6.jpg', await halves.clone().jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer());
  put('kinds/i-exif3.jpg', await halves.clone().jpeg({ quality: 95 }).withMetadata({ orientation: 3 }).toBuffer());
  put('kinds/j-grayalpha.png', encodePng(32, 32, 4, 8, pixelsOf(32, 32, (x) => (x < 16 ? [50, 255] : [0, 0]))));
  put('kinds/k-upper.JPEG', await sharp({ create: { width: 20, height: 20, channels: 3, background: { r: 10, g: 120, b: 240 } } }).jpeg({ quality: 100 }).toBuffer());
  put('kinds/notes.txt', 'not an image');
  put('kinds/.DS_Store', 'junk');

  // gray/: only one-channel files, so the default is 1 channel.
  put('gray/a.png', encodePng(32, 32, 0, 8, pixelsOf(32, 32, (x) => [x < 16 ? 0 : 200])));
  put('gray/b.png', encodePng(32, 32, 0, 16, pixelsOf(32, 32, () => [0x8080])));
  put('gray/c.png', encodePng(32, 32, 4, 8, pixelsOf(32, 32, (x) => (x < 16 ? [50, 255] : [0, 0]))));

  // classes/: sub-folders are classes; loose images and empty sub-folders are ignored with a warning.
  const dot = (v: number): Buffer => encodePng(8, 8, 0, 8, pixelsOf(8, 8, () => [v]));
  put('classes/dogs/x.png', dot(30));
  put('classes/dogs/deeper/y.png', dot(40));
  put('classes/cats/b.png', dot(20));
  put('classes/cats/a.png', dot(10));
  put('classes/empty/readme.md', 'nothing here');
  put('classes/loose.png', dot(99));
  symlinkSync(join(root, 'classes', 'dogs'), join(root, 'classes', 'dogs', 'deeper', 'loop'), 'dir');

  // broken/: one good file and three bad ones, a hidden junk file and a text file.
  put('broken/good.png', dot(77));
  put('broken/bad.png', Buffer.from('this is not a png at all, just text with a png name'));
  put('broken/text.jpg', '<html>oops</html>');
  const noise = Buffer.from(pixelsOf(64, 64, (x, y) => [(x * 37 + y * 91) % 256, (x * y) % 256, (x + y * 3) % 256]));
  const jpeg = await sharp(noise, { raw: { width: 64, height: 64, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
  put('broken/trunc.jpg', jpeg.subarray(0, Math.floor(jpeg.length * 0.6)));
  put('broken/._good.jpg', 'macOS resource fork');
  put('broken/notes.txt', 'ignored');

  put('allbad/bad.png', 'garbage');
  put('nothing/readme.txt', 'no images');
});

after(() => rmSync(root, { recursive: true, force: true }));

test('the fixtures are what their names say', async () => {
  const meta = async (f: string): Promise<Metadata> => sharp(join(root, 'kinds', f)).metadata();
  assert.equal((await meta('d-palette.png')).isPalette, true);
  assert.equal((await meta('e-gray16.png')).depth, 'ushort');
  assert.equal((await meta('f-rgb16.png')).space, 'rgb16');
  assert.equal((await meta('g-cmyk.jpg')).space, 'cmyk');
  assert.equal((await meta('h-exif6.jpg')).orientation, 6);
  assert.equal((await meta('c-rgba.png')).hasAlpha, true);
});

test('every kind decodes to the right pixels (RGB output, cover + centre crop, alpha over white)', async () => {
  logged.length = 0;
  const ds = await loadFolderDataset(join(root, 'kinds'), { imageSize: 16 });
  assert.equal(ds.count, 11, 'notes.txt and .DS_Store are not images');
  assert.equal(ds.channels, 3, 'colour images present, so 3 channels');
  assert.equal(ds.height, 16);
  assert.equal(ds.width, 16);
  assert.equal(ds.pixels.length, 11 * 16 * 16 * 3);
  assert.equal(ds.labels, null);
  assert.equal(ds.classNames, null);
  assert.equal(ds.split, 'all');
  assert.deepEqual(logged.filter((l) => l.level === 'warn'), []);

  // a: 8-bit gray, left 0 / right 200, gray replicated to RGB.
  near(px(ds, 0, 1, 8), [0, 0, 0], 1, 'gray8 left');
  near(px(ds, 0, 14, 8), [200, 200, 200], 1, 'gray8 right');
  // b: 48×16 red|green|blue stripes; the centre crop keeps only green.
  for (const x of [0, 8, 15]) near(px(ds, 1, x, 8), [0, 255, 0], 1, `rgb8 centre crop x=${x}`);
  // c: RGBA, right half transparent black → white.
  near(px(ds, 2, 1, 8), [255, 0, 0], 1, 'rgba opaque red');
  near(px(ds, 2, 14, 8), WHITE, 1, 'rgba transparent → white');
  // d: palette red | blue.
  near(px(ds, 3, 1, 8), [255, 0, 0], 1, 'palette left');
  near(px(ds, 3, 14, 8), [0, 0, 255], 1, 'palette right');
  // e: 16-bit gray 0x8080 (top) / 0xffff (bottom) → 128 / 255.
  near(px(ds, 4, 8, 1), [128, 128, 128], 1, 'gray16 top');
  near(px(ds, 4, 8, 14), WHITE, 1, 'gray16 bottom');
  // f: 16-bit RGB (ffff, 8080, 0) → (255, 128, 0).
  near(px(ds, 5, 8, 8), [255, 128, 0], 1, 'rgb16');
  // g: CMYK JPEG of black | white, through a colour profile, so a looser tolerance.
  near(px(ds, 6, 1, 8), BLACK, 25, 'cmyk left');
  near(px(ds, 6, 14, 8), WHITE, 25, 'cmyk right');
  // h: stored 32×16 left black | right white, orientation 6 (rotate 90° clockwise): top black, bottom white.
  for (const x of [1, 8, 14]) {
    near(px(ds, 7, x, 1), BLACK, 12, `exif6 top x=${x}`);
    near(px(ds, 7, x, 14), WHITE, 12, `exif6 bottom x=${x}`);
  }
  // i: orientation 3 (rotate 180°): left white, right black.
  near(px(ds, 8, 1, 8), WHITE, 12, 'exif3 left');
  near(px(ds, 8, 14, 8), BLACK, 12, 'exif3 right');
  // j: gray + alpha: gray 50 left, transparent right → white.
  near(px(ds, 9, 1, 8), [50, 50, 50], 1, 'gray+alpha opaque');
  near(px(ds, 9, 14, 8), WHITE, 1, 'gray+alpha transparent');
  // k: an upper-case .JPEG extension is an image too.
  near(px(ds, 10, 8, 8), [10, 120, 240], 6, 'upper-case extension');
});

test('all-grayscale folders default to 1 channel; channels can be forced', async () => {
  const gray = await loadFolderDataset(join(root, 'gray'), { imageSize: 16 });
  assert.equal(gray.channels, 1);
  assert.equal(gray.pixels.length, 3 * 16 * 16);
  near(px(gray, 0, 1, 8), [0], 1, 'gray a left');
  near(px(gray, 0, 14, 8), [200], 1, 'gray a right');
  near(px(gray, 1, 8, 8), [128], 1, 'gray16 → 8 bit');
  near(px(gray, 2, 14, 8), [255], 1, 'gray alpha → white');

  const asRgb = await loadFolderDataset(join(root, 'gray'), { imageSize: 16, channels: 3 });
  assert.equal(asRgb.channels, 3);
  near(px(asRgb, 0, 14, 8), [200, 200, 200], 1, 'gray as RGB');

  const asGray = await loadFolderDataset(join(root, 'kinds'), { imageSize: 8, channels: 1 });
  assert.equal(asGray.channels, 1);
  assert.equal(asGray.pixels.length, 11 * 8 * 8);
  near(px(asGray, 2, 7, 4), [255], 1, 'transparent → white, in gray');
  const red = px(asGray, 2, 0, 4)[0]!;
  const green = px(asGray, 1, 4, 4)[0]!;
  assert.ok(red > 20 && red < 200 && green > red, `luma of red ${red} and green ${green}`);
});

test('imageSize sets the output size (default 32)', async () => {
  const ds = await loadFolderDataset(join(root, 'gray'));
  assert.equal(ds.height, 32);
  assert.equal(ds.width, 32);
  const big = await loadFolderDataset(join(root, 'gray'), { imageSize: 64 });
  assert.equal(big.pixels.length, 3 * 64 * 64);
  await assert.rejects(loadFolderDataset(join(root, 'gray'), { imageSize: 0 }), { code: ERROR_CODES.BAD_CONFIG });
  await assert.rejects(loadFolderDataset(join(root, 'gray'), { imageSize: 2.5 }), { code: ERROR_CODES.BAD_CONFIG });
});

test('sub-folders are classes, sorted; nested images belong to their class (a symlink loop is walked once); loose files and empty folders warned about', async () => {
  logged.length = 0;
  const dir = join(root, 'classes');
  const ds = await loadFolderDataset(dir, { imageSize: 4 });
  assert.deepEqual(ds.classNames, ['cats', 'dogs']);
  assert.deepEqual([...ds.labels!], [0, 0, 1, 1]);
  assert.equal(ds.channels, 1);
  // cats/a (10), cats/b (20), dogs/deeper/y (40), dogs/x (30): class order, then path order.
  assert.deepEqual([0, 1, 2, 3].map((i) => px(ds, i, 2, 2)[0]), [10, 20, 40, 30]);
  const warns = logged.filter((l) => l.level === 'warn').map((l) => l.msg);
  assert.equal(warns.length, 2, warns.join(' | '));
  assert.ok(warns.some((w) => /1 image files directly in the folder are ignored/.test(w)));
  assert.ok(warns.some((w) => /without PNG\/JPEG images.*empty/.test(w)));
  const listing = listImageFolder(dir);
  assert.equal(listing.files.length, 4);
  assert.equal(listing.ignored, 1, 'readme.md');
});

test('unreadable files: one warning listing them all, the rest loads', async () => {
  logged.length = 0;
  const ds = await loadFolderDataset(join(root, 'broken'), { imageSize: 4 });
  assert.equal(ds.count, 1);
  near(px(ds, 0, 1, 1), [77], 0, 'the good image');
  const warns = logged.filter((l) => l.level === 'warn');
  assert.equal(warns.length, 1, 'exactly one warning');
  const w = warns[0]!.msg;
  assert.match(w, /3 of 4 image files in .*broken cannot be decoded and are skipped/);
  for (const f of ['bad.png', 'text.jpg', 'trunc.jpg']) assert.ok(w.includes(f), `${f} listed in: ${w}`);
  assert.ok(!w.includes('good.png') && !w.includes('._good'), w);
  assert.ok(!w.includes('\n'));
});

test('strict mode makes unreadable files an error listing them', async () => {
  await assert.rejects(loadFolderDataset(join(root, 'broken'), { imageSize: 4, strict: true }), (e: unknown) => {
    assert.ok(e instanceof GenforgeError);
    assert.equal(e.code, ERROR_CODES.NO_IMAGES);
    assert.match(e.message, /3 of 4 image files .* cannot be decoded \(strict mode\)/);
    for (const f of ['bad.png', 'text.jpg', 'trunc.jpg']) assert.ok(e.message.includes(f), e.message);
    assert.match(e.message, /without --strict/);
    return true;
  });
});

test('a folder without a readable image is an error', async () => {
  await assert.rejects(loadFolderDataset(join(root, 'allbad')), (e: unknown) => {
    assert.ok(e instanceof GenforgeError);
    assert.equal(e.code, ERROR_CODES.NO_IMAGES);
    assert.match(e.message, /no readable image/);
    assert.match(e.message, /bad\.png/);
    return true;
  });
  await assert.rejects(loadFolderDataset(join(root, 'nothing')), (e: unknown) => {
    assert.ok(e instanceof GenforgeError);
    assert.equal(e.code, ERROR_CODES.NO_IMAGES);
    assert.match(e.message, /holds no PNG\/JPEG images \(1 other files ignored\)/);
    return true;
  });
});
