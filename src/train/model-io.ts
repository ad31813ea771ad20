/**
 * Save and load TF.js layers models as the standard TF.js format (model.json + weights.bin, the layout
 * tf.loadLayersModel reads), with plain files and atomic writes. `saveModel(dir)` and `loadModel(dir)` are
 * exact inverses.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '../util/atomic.js';

export interface SavedModelFiles {
  readonly modelJson: string;
  readonly weights: Uint8Array;
}

/** Serialise a model to the bytes of model.json and weights.bin. */
export async function serializeModel(model: tf.LayersModel): Promise<SavedModelFiles> {
  let artifacts: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const a = artifacts as tf.io.ModelArtifacts | null;
  if (!a || !a.weightSpecs || a.weightData === undefined) throw new Error('model.save produced no weights');
  const data = tf.io.CompositeArrayBuffer.join(a.weightData);
  const modelJson = JSON.stringify({
    format: 'layers-model',
    generatedBy: a.generatedBy,
    convertedBy: null,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
  });
  return { modelJson, weights: new Uint8Array(data) };
}

export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  const files = await serializeModel(model);
  writeFileAtomic(join(dir, 'weights.bin'), files.weights);
  writeFileAtomic(join(dir, 'model.json'), files.modelJson);
}

export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const buffers = json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p))));
  const joined = Buffer.concat(buffers);
  const weightData = joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
}
