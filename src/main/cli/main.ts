/** The `hyperadapt` command line: every action of the app, scriptable, with --json output. */
import { Command } from 'commander';
import { APP_VERSION } from '../system/system-info';
import { registerData } from './commands/data';
import { registerDev } from './commands/dev';
import { registerEval } from './commands/eval';
import { registerExport } from './commands/export';
import { registerGenerate } from './commands/generate';
import { registerInfo } from './commands/info';
import { registerLibrary } from './commands/library';
import { registerTrain } from './commands/train';
import { reportFailure } from './output';

const program = new Command()
  .name('hyperadapt')
  .description('Customise a local language model on your own data with HyperAdapt.')
  .version(APP_VERSION)
  .showHelpAfterError('(run with --help for usage)');

registerInfo(program);
registerDev(program);
registerData(program);
registerTrain(program);
registerEval(program);
registerGenerate(program);
registerExport(program);
registerLibrary(program);

program.parseAsync(process.argv).catch((error: unknown) => reportFailure(error, process.argv.includes('--json')));
