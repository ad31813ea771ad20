/**
 * Training configuration: defaults < preset file (--config) < CLI flags, resolved once into one frozen
 * object and validated by one schema (the HTTP layer uses the same schema). Unknown keys are errors that
 * list the valid ones.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { GenforgeError, ERROR_CODES } from './errors.js';
import { BACKEND_NAMES } from './backend/index.js';
import { MODEL_FAMILIES } from './models/types.js';

const posInt = z.number().int().positive();

export const TrainConfigSchema = z.strictObject({
  model: z.enum(MODEL_FAMILIES).default('dcgan'),
  dataset: z.string().min(1).default('mnist'),
  labels: z.string().min(1).optional(),
  imageSize: posInt.max(512).optional(),
  channels: z.union([z.literal(1), z.literal(3)]).optional(),
  strict: z.boolean().default(false),
  epochs: posInt.optional(),
  steps: posInt.optional(),
  batchSize: posInt.max(4096).default(64),
  lr: z.number().positive().max(1).default(2e-4),
  beta1: z.number().min(0).lt(1).default(0.5),
  beta2: z.number().min(0).lt(1).default(0.999),
  epsilon: z.number().positive().default(1e-8),
  latentDim: posInt.max(4096).default(100),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  backend: z.enum(BACKEND_NAMES).default('auto'),
  sampleEvery: posInt.default(200),
  checkpointEvery: posInt.default(500),
  logEvery: posInt.default(50),
  /** Record FID every K epochs (when an evaluator is available) and keep the best generator by FID. */
  evalEvery: posInt.optional(),
});

export type TrainConfigInput = z.input<typeof TrainConfigSchema>;
export type TrainConfig = Readonly<z.output<typeof TrainConfigSchema>>;

export const TRAIN_CONFIG_KEYS = Object.keys(TrainConfigSchema.shape) as (keyof TrainConfig)[];

/** camelCase key → the CLI flag that sets it, for messages. */
export function flagName(key: string): string {
  return '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

function describeIssues(err: z.ZodError, origin: string): string {
  return err.issues
    .map((iss) => {
      if (iss.code === 'unrecognized_keys') {
        return `unknown ${iss.keys.length > 1 ? 'keys' : 'key'} ${iss.keys.map((k) => `"${k}"`).join(', ')} in ${origin}; valid keys: ${TRAIN_CONFIG_KEYS.join(', ')}`;
      }
      const key = String(iss.path[0] ?? '');
      return `${origin === 'flags' ? flagName(key) : `"${key}" in ${origin}`}: ${iss.message}`;
    })
    .join('; ');
}

/** Validate a config object; `origin` names where it came from in errors ('flags', a file path, 'request body'). */
export function parseTrainConfig(input: unknown, origin = 'flags'): TrainConfig {
  const res = TrainConfigSchema.safeParse(input);
  if (!res.success) throw new GenforgeError(ERROR_CODES.BAD_CONFIG, describeIssues(res.error, origin));
  const cfg = res.data;
  if (cfg.epochs !== undefined && cfg.steps !== undefined) {
    throw new GenforgeError(ERROR_CODES.BAD_CONFIG, `--epochs ${cfg.epochs} and --steps ${cfg.steps} both set a budget: give one of them`);
  }
  return Object.freeze(cfg.epochs === undefined && cfg.steps === undefined ? { ...cfg, epochs: 1 } : cfg);
}

/** Read a preset file (JSON with keys of TrainConfig). */
export function readPreset(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new GenforgeError(ERROR_CODES.BAD_CONFIG, `--config ${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new GenforgeError(ERROR_CODES.BAD_CONFIG, `--config ${path}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new GenforgeError(ERROR_CODES.BAD_CONFIG, `--config ${path}: expected a JSON object of settings, found ${Array.isArray(obj) ? 'an array' : typeof obj}`);
  }
  const res = TrainConfigSchema.partial().safeParse(obj);
  if (!res.success) throw new GenforgeError(ERROR_CODES.BAD_CONFIG, describeIssues(res.error, path));
  return obj as Record<string, unknown>;
}

/** defaults < preset < flags. `flags` holds only what the user set explicitly. */
export function resolveTrainConfig(flags: Record<string, unknown>, presetPath?: string): TrainConfig {
  const preset = presetPath ? readPreset(presetPath) : {};
  const merged: Record<string, unknown> = { ...preset };
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) merged[k] = v;
  // A budget given on the command line replaces the preset's, whichever kind it is.
  if (flags.epochs !== undefined && flags.steps === undefined) delete merged.steps;
  if (flags.steps !== undefined && flags.epochs === undefined) delete merged.epochs;
  return parseTrainConfig(merged, presetPath && Object.keys(flags).length === 0 ? presetPath : 'flags');
}
