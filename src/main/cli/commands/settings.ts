/**
 * `hyperadapt settings data-dir`: where the library lives, and choosing another folder. It does
 * not open the library, so it works even when the current folder cannot be opened (a library
 * from a newer version, a missing drive): that is when one wants another folder.
 */
import type { Command } from 'commander';
import { isAbsolute, resolve } from 'node:path';
import { chooseDataDirectory, dataDirectoryState, type DataDirectoryState } from '../../settings/data-directory-setting';
import { createOutput } from '../output';

function describe(state: DataDirectoryState): string {
  const why = { environment: 'from HYPERADAPT_DATA_DIR', setting: 'chosen in Settings', default: "the platform's default" }[state.source];
  return [
    `Data folder: ${state.path} (${why})`,
    ...(state.environmentOverride && state.chosen ? [`  HYPERADAPT_DATA_DIR overrides the folder chosen in Settings, ${state.chosen}`] : []),
    ...(state.path !== state.default ? [`  default: ${state.default}`] : []),
  ].join('\n');
}

export function registerSettings(program: Command): void {
  const settings = program.command('settings').description("the app's settings");

  settings
    .command('data-dir')
    .description('show the data folder, or choose another one for the next start (nothing is moved)')
    .argument('[folder]', 'the new data folder')
    .option('--reset', "go back to the platform's default folder")
    .option('--json', 'print a JSON object')
    .action(async (folder: string | undefined, flags: { reset?: boolean; json?: boolean }) => {
      if (folder && flags.reset) throw new Error('Give a folder or --reset, not both.');
      const state = folder || flags.reset ? await chooseDataDirectory(folder ? (isAbsolute(folder) ? folder : resolve(folder)) : null) : dataDirectoryState();
      createOutput(Boolean(flags.json)).result(state, () => describe(state));
    });
}
