#!/usr/bin/env node
// Builds the optional native add-on (build/Release/genforge_native.node) with node-gyp when oneDNN and
// OpenBLAS are installed; otherwise prints one line and exits 0 so that `npm install` still works.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DNNL_HEADER = '/usr/include/oneapi/dnnl/dnnl.hpp';
const OPENBLAS = ['/usr/lib/x86_64-linux-gnu/libopenblas.so', '/usr/lib/aarch64-linux-gnu/libopenblas.so', '/usr/lib/libopenblas.so', '/usr/local/lib/libopenblas.so'];
const HOW = 'apt-get install libdnnl-dev libopenblas-dev, then npm run build:native';

function skip(why) {
  console.log(`genforge native add-on not built: ${why} (optional; for the fast backend: ${HOW})`);
  process.exit(0);
}

if (process.platform !== 'linux') skip(`platform ${process.platform} is not supported yet`);
if (!existsSync(DNNL_HEADER)) skip(`oneDNN headers not found at ${DNNL_HEADER}`);
if (!OPENBLAS.some((p) => existsSync(p))) skip('OpenBLAS (libopenblas.so) not found');

// node-gyp: the one npm ships, else a local one. Node's headers: the system's when present (no download).
const require = createRequire(import.meta.url);
const candidates = [
  path.join(path.dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
];
try {
  candidates.unshift(require.resolve('node-gyp/bin/node-gyp.js'));
} catch {
  // not installed locally
}
const gyp = candidates.find((p) => existsSync(p));
if (!gyp) skip('node-gyp not found (it ships with npm)');
// configure + build (not rebuild): unchanged sources are not recompiled.
const common = ['--release'];
const nodeDir = path.resolve(path.dirname(process.execPath), '..');
if (existsSync(path.join(nodeDir, 'include/node/node_api.h')) && existsSync(path.join(nodeDir, 'include/node/common.gypi'))) {
  common.push(`--nodedir=${nodeDir}`);
}
let r = spawnSync(process.execPath, [gyp, 'configure', ...common], { cwd: root, stdio: 'inherit' });
if (r.status === 0) r = spawnSync(process.execPath, [gyp, 'build', ...common, '-j', 'max'], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) {
  console.log(`genforge native add-on: build failed (exit ${r.status}); the cpu/wasm backends still work`);
  process.exit(process.env.GENFORGE_NATIVE_REQUIRED ? 1 : 0);
}
console.log('genforge native add-on built: build/Release/genforge_native.node');
