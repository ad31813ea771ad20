#!/usr/bin/env node
/**
 * The genforge command line. A thin layer: each command lazy-loads its module, which parses its flags
 * into a config and calls the library. One error handler prints coded errors as one line, no stack.
 */
import { Command, CommanderError } from 'commander';
import { isGenforgeError } from '../errors.js';
import { log, setLogLevel } from '../log.js';
import { TOOLKIT_VERSION } from '../version.js';
import { addTrainCommand } from './train-spec.js';
import { addSampleCommand } from './sample-spec.js';
import { addDoctorCommand } from './doctor-spec.js';
import { addEvalCommand } from './eval-spec.js';

async function run(load: () => Promise<{ default: (opts: Record<string, unknown>, cmd: Command) => Promise<number | void> }>, opts: Record<string, unknown>, cmd: Command): Promise<void> {
  const mod = await load();
  const code = await mod.default(opts, cmd);
  if (typeof code === 'number') process.exitCode = code;
}

export function buildProgram(): Command {
  const program = new Command('genforge')
    .description('Turn your own data into generative models and labeled synthetic data.')
    .version(TOOLKIT_VERSION, '-v, --version')
    .option('--quiet', 'only warnings and errors')
    .option('--verbose', 'debug output')
    .hook('preAction', (cmd) => {
      const o = cmd.opts();
      if (o.quiet) setLogLevel('warn');
      if (o.verbose) setLogLevel('debug');
    });

  // Before the commands are added, so that they inherit it: parse errors come back to main() as exceptions.
  program.exitOverride();
  addTrainCommand(program, (opts, cmd) => run(() => import('./train.js'), opts, cmd));
  addSampleCommand(program, (opts, cmd) => run(() => import('./sample.js'), opts, cmd));
  addDoctorCommand(program, (opts, cmd) => run(() => import('./doctor.js'), opts, cmd));
  addEvalCommand(program, (opts, cmd) => run(() => import('./eval.js'), opts, cmd));
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    if (isGenforgeError(e)) {
      log.error(e.message);
      process.exitCode = 1;
      return;
    }
    const err = e as Error;
    log.error(`${err.message ?? String(e)}${process.env.GENFORGE_LOG === 'debug' ? '\n' + err.stack : ' (set GENFORGE_LOG=debug for a stack trace)'}`);
    process.exitCode = 1;
  }
}

const isEntry = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').slice(-2).join('/'));
if (isEntry) await main(process.argv);
