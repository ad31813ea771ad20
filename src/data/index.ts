/**
 * One entry point for data: `loadDataset(spec)` turns what the user typed (`--dataset mnist`, a path to an
 * IDX file, a path to a folder of images) into a Dataset. Names win over paths: to use a folder that is
 * called "mnist", pass "./mnist".
 */
import { existsSync, statSync } from 'node:fs';
import { ERROR_CODES, GenforgeError } from '../errors.js';
import { loadFashionMnist } from './fashion-mnist.js';
import { IMAGE_EXTENSIONS, loadFolderDataset } from './folder.js';
import { loadIdxDataset } from './idx.js';
import { loadMnist } from './mnist.js';
import type { Dataset, DatasetSpec } from './types.js';

export type { Dataset, DatasetSpec } from './types.js';
export { scaledBatch, writeScaled, describeDataset } from './types.js';
export { decodeIdx, readIdx, encodeIdx, writeIdx, loadIdxDataset } from './idx.js';
export type { IdxArray, IdxDtype, IdxReadOptions, IdxRole } from './idx.js';
export { loadMnist, MNIST_CLASS_NAMES } from './mnist.js';
export { loadFashionMnist, FASHION_MNIST_CLASS_NAMES, fashionMnistCachePath, cacheDir, stratifiedSplit } from './fashion-mnist.js';
export { loadFolderDataset, listImageFolder, IMAGE_EXTENSIONS, DEFAULT_IMAGE_SIZE } from './folder.js';
export type { FolderOptions, FolderListing } from './folder.js';

/** The datasets known by name. */
export const DATASET_NAMES: readonly string[] = Object.freeze(['mnist', 'fashion-mnist']);

const WHAT_IS_VALID = `pass one of ${DATASET_NAMES.join(', ')}, a path to an IDX image file, or a path to a folder of PNG/JPEG images`;

export async function loadDataset(spec: DatasetSpec): Promise<Dataset> {
  const { dataset } = spec;
  const split = spec.split ?? 'train';
  if (split !== 'train' && split !== 'test') {
    throw new GenforgeError(ERROR_CODES.BAD_CONFIG, `split must be "train" or "test", got "${String(split)}"`);
  }

  // 1. Named datasets.
  if (dataset === 'mnist' || dataset === 'fashion-mnist') {
    if (spec.labels !== undefined) {
      throw new GenforgeError(ERROR_CODES.BAD_CONFIG, `--labels is for IDX image files; dataset "${dataset}" has its labels built in, drop --labels`);
    }
    return dataset === 'mnist' ? loadMnist(split) : loadFashionMnist(split);
  }

  // 2. Paths.
  if (!dataset || !existsSync(dataset)) {
    if (dataset && existsSync(`${dataset}.gz`)) {
      throw new GenforgeError(ERROR_CODES.DATASET_NOT_FOUND, `${dataset} does not exist but ${dataset}.gz does; decompress it with gunzip ("gunzip -k ${dataset}.gz")`);
    }
    throw new GenforgeError(ERROR_CODES.DATASET_NOT_FOUND, `dataset "${dataset}" is neither a known name nor an existing path; ${WHAT_IS_VALID}`);
  }
  if (statSync(dataset).isDirectory()) {
    if (spec.labels !== undefined) {
      throw new GenforgeError(ERROR_CODES.BAD_CONFIG, `--labels cannot be used with a folder (${dataset}): a folder's classes are its sub-folders, one per class; drop --labels`);
    }
    return loadFolderDataset(dataset, {
      ...(spec.imageSize !== undefined ? { imageSize: spec.imageSize } : {}),
      ...(spec.channels !== undefined ? { channels: spec.channels } : {}),
      ...(spec.strict !== undefined ? { strict: spec.strict } : {}),
    });
  }
  if (IMAGE_EXTENSIONS.some((ext) => dataset.toLowerCase().endsWith(ext))) {
    throw new GenforgeError(ERROR_CODES.BAD_DATA_FILE, `${dataset} is a single image; pass the folder that holds the images (one sub-folder per class for labels)`);
  }
  if (spec.labels !== undefined && !existsSync(spec.labels)) {
    throw new GenforgeError(ERROR_CODES.DATASET_NOT_FOUND, `labels file "${spec.labels}" does not exist; pass the IDX labels file that belongs to ${dataset}, or drop --labels for unlabeled data`);
  }
  return loadIdxDataset(dataset, spec.labels);
}
