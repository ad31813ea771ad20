/**
 * What every dataset loader returns: images as compact bytes (uint8, [N, H, W, C] row-major), optional
 * labels, and a description. Training turns batches of it into float tensors scaled to [-1, 1].
 */

export interface Dataset {
  /** Short name: 'mnist', 'fashion-mnist', or the path the user gave. */
  readonly name: string;
  /** Which split this is, when the source has splits. */
  readonly split: 'train' | 'test' | 'all';
  /** Where the bytes came from (file paths, package name), for logs and the run folder. */
  readonly source: string;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** count × height × width × channels bytes, [N, H, W, C]. */
  readonly pixels: Uint8Array;
  /** One class index per image, or null for unlabeled data. */
  readonly labels: Uint8Array | null;
  /** Names of the classes (index → name), or null for unlabeled data. */
  readonly classNames: readonly string[] | null;
}

/** How a user names a dataset, resolved from CLI flags or a config. */
export interface DatasetSpec {
  /** 'mnist' | 'fashion-mnist' | a path to an IDX image file | a path to a folder of images. */
  readonly dataset: string;
  /** IDX label file that goes with an IDX image file. */
  readonly labels?: string;
  /** Which split of a named dataset: 'train' (default) or 'test'. Ignored for paths. */
  readonly split?: 'train' | 'test';
  /** Target size for image folders (square); IDX and named datasets keep their own size. */
  readonly imageSize?: number;
  /** Target channels for image folders: 1 or 3; default: 1 when every image is grayscale, else 3. */
  readonly channels?: 1 | 3;
  /** Unreadable images are an error instead of a warning. */
  readonly strict?: boolean;
}

/** Bytes of image i as floats in [-1, 1], written into `out` at `offset`. */
export function writeScaled(ds: Dataset, index: number, out: Float32Array, offset: number): void {
  const size = ds.height * ds.width * ds.channels;
  const start = index * size;
  for (let k = 0; k < size; k++) out[offset + k] = ds.pixels[start + k]! / 127.5 - 1;
}

/** A batch of images as a flat Float32Array [B, H, W, C] scaled to [-1, 1]. */
export function scaledBatch(ds: Dataset, indices: ArrayLike<number>, out?: Float32Array): Float32Array {
  const size = ds.height * ds.width * ds.channels;
  const buf = out ?? new Float32Array(indices.length * size);
  for (let b = 0; b < indices.length; b++) writeScaled(ds, indices[b]!, buf, b * size);
  return buf;
}

/** One line a person can read: "mnist (train): 60,000 images 28×28×1, 10 classes". */
export function describeDataset(ds: Dataset): string {
  const classes = ds.classNames ? `, ${ds.classNames.length} classes` : ', unlabeled';
  const split = ds.split === 'all' ? '' : ` (${ds.split})`;
  return `${ds.name}${split}: ${ds.count.toLocaleString('en-US')} images ${ds.height}×${ds.width}×${ds.channels}${classes}`;
}

/** The first n images of a dataset (a view, no copy): for quick runs and tests. */
export function takeFirst(ds: Dataset, n: number): Dataset {
  const m = Math.min(n, ds.count);
  const size = ds.height * ds.width * ds.channels;
  return {
    ...ds,
    count: m,
    pixels: ds.pixels.subarray(0, m * size),
    labels: ds.labels ? ds.labels.subarray(0, m) : null,
  };
}
