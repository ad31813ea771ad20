#!/usr/bin/env node
// The `genforge` command: runs the compiled CLI (npm install builds it into dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('error: genforge is not built yet (dist/cli/main.js is missing); run npm install or npm run build in the genforge folder\n');
  process.exit(1);
}
const { main } = await import(entry.href);
await main(process.argv);
