/**
 * The `hyperadapt` program with the library's commands, for tests to run in a child process
 * (as bin/hyperadapt.cjs does, but independent of which commands main.ts registers).
 */
import { Command } from 'commander';
import { registerLibrary } from '../../../../src/main/cli/commands/library';
import { reportFailure } from '../../../../src/main/cli/output';

const program = new Command().name('hyperadapt');
registerLibrary(program);
program.parseAsync(process.argv).catch((error: unknown) => reportFailure(error, process.argv.includes('--json')));
