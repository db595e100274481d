/**
 * The library's commands: `hyperadapt models|datasets|runs|adapters|exports …` and
 * `hyperadapt settings data-dir`. Each is a call of the API the app uses, plus its output.
 */
import type { Command } from 'commander';
import { registerAdapters, registerExports } from './adapters';
import { registerDatasets } from './datasets';
import { registerModels } from './models';
import { registerRuns } from './runs';
import { registerSettings } from './settings';

export { registerAdapters, registerDatasets, registerExports, registerModels, registerRuns, registerSettings };

export function registerLibrary(program: Command): void {
  registerModels(program);
  registerDatasets(program);
  registerRuns(program);
  registerAdapters(program);
  registerExports(program);
  registerSettings(program);
}
