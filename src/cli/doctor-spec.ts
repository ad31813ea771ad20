/** `genforge doctor` flags and help. */
import { Command } from 'commander';

export function addDoctorCommand(program: Command, action: (opts: Record<string, unknown>, cmd: Command) => Promise<void>): Command {
  return program
    .command('doctor')
    .description('list the TF.js backends that work here, with a quick speed figure for each, and how to get the fast one')
    .option('--json', 'print one JSON object')
    .action(async (opts, cmd) => action(opts, cmd));
}
