/** The toolkit's version and the run-folder format version written into every saved folder. */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const TOOLKIT_VERSION: string = (require('../package.json') as { version: string }).version;
export const RUN_FORMAT_VERSION = 1;
