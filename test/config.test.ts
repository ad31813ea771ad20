import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTrainConfig, readPreset, resolveTrainConfig } from '../src/config.js';
import { tempDir } from './helpers.js';

test('defaults < preset < flags, frozen', () => {
  const d = tempDir();
  try {
    const p = join(d.path, 'p.json');
    writeFileSync(p, JSON.stringify({ model: 'gan', lr: 0.001, steps: 50 }));
    const c = resolveTrainConfig({ lr: 0.0005 }, p);
    assert.equal(c.model, 'gan');
    assert.equal(c.lr, 0.0005);
    assert.equal(c.steps, 50);
    assert.equal(c.batchSize, 64);
    assert.ok(Object.isFrozen(c));
    // A budget on the command line replaces the preset's budget of the other kind.
    const e = resolveTrainConfig({ epochs: 2 }, p);
    assert.equal(e.epochs, 2);
    assert.equal(e.steps, undefined);
  } finally {
    d.cleanup();
  }
});

test('unknown keys are errors that list the valid ones; bad values name the key', () => {
  assert.throws(() => parseTrainConfig({ lrate: 1 }, 'p.json'), /unknown key "lrate" in p\.json; valid keys: model, dataset/);
  assert.throws(() => parseTrainConfig({ batchSize: -3 }), /--batch-size/);
  assert.throws(() => parseTrainConfig({ epochs: 1, steps: 2 }), /both set a budget/);
  const d = tempDir();
  try {
    const bad = join(d.path, 'bad.json');
    writeFileSync(bad, '{ "model": ');
    assert.throws(() => readPreset(bad), /bad\.json: not valid JSON/);
    writeFileSync(bad, '[1]');
    assert.throws(() => readPreset(bad), /expected a JSON object/);
  } finally {
    d.cleanup();
  }
});

test('every shipped preset in configs/ is valid', () => {
  for (const f of readdirSync('configs')) assert.doesNotThrow(() => resolveTrainConfig({}, join('configs', f)), f);
});
