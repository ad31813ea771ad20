/**
 * genforge as a library: the same functions the CLI is made of.
 *
 *   import { initBackend, loadDataset, parseTrainConfig, train, loadRun, sampleImages } from 'genforge';
 */
export { GenforgeError, ERROR_CODES, isGenforgeError, type ErrorCode } from './errors.js';
export { log, setLogLevel, setLogSink, type LogLevel } from './log.js';
export { TOOLKIT_VERSION, RUN_FORMAT_VERSION } from './version.js';

// Backends
export { initBackend, activeBackend, announceBackend, BACKEND_NAMES, type BackendName, type BackendInfo } from './backend/index.js';

// Data
export {
  loadDataset,
  loadMnist,
  loadFashionMnist,
  loadFolderDataset,
  loadIdxDataset,
  readIdx,
  encodeIdx,
  writeIdx,
  scaledBatch,
  describeDataset,
  DATASET_NAMES,
  type Dataset,
  type DatasetSpec,
} from './data/index.js';
export { takeFirst } from './data/types.js';

// Models
export { buildModels, buildGan, buildDcgan, MODEL_FAMILIES, type ModelConfig, type ModelFamily, type GanModels } from './models/index.js';

// Training
export { parseTrainConfig, resolveTrainConfig, TrainConfigSchema, type TrainConfig, type TrainConfigInput } from './config.js';
export { train, readMetrics, type TrainRequest, type TrainResult, type TrainCallbacks, type StepRecord, type EvalRecord } from './train/trainer.js';
export { ganTrainStep, discriminatorStep, generatorStep, trainableVariables, type GanStepMetrics } from './train/gan-step.js';
export { discriminatorLoss, generatorLoss, stableSoftplus } from './train/losses.js';
export { Adam, type AdamConfig } from './train/adam.js';
export { saveModel, loadModel } from './train/model-io.js';
export { findLatestCheckpoint, loadLatestCheckpoint } from './train/checkpoint.js';
export { readRunInfo, type RunInfo } from './train/run.js';

// Sampling
export { loadRun, type LoadedRun } from './train/load.js';
export { sampleImages, writeSamples, type SampleFormat, type SampleRequest } from './train/sample.js';
export { generateImages, gridPng, latentCodes } from './train/samples.js';

// Evaluation
export * as metrics from './eval/metrics/index.js';
export { evaluateSamples, evaluateRun, type EvalReport } from './eval/evaluate.js';
