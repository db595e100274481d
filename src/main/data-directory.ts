/**
 * Where the library (database, models, datasets, runs, exports) lives, in order of precedence:
 * HYPERADAPT_DATA_DIR when set, else the folder chosen in Settings (settings.json in the default
 * folder), else the platform's usual application-data folder. Electron's app.getPath('userData')
 * is not used so the web shell and the CLI, which run without Electron, agree with the app.
 */
import os from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { readSettings } from './settings/settings-file';

export const DATA_DIR_ENV = 'HYPERADAPT_DATA_DIR';
const FOLDER = 'HyperAdapt Studio';

export type DataDirectorySource = 'environment' | 'setting' | 'default';

/** The platform's convention, ignoring the environment override and the setting. */
export function defaultDataDirectory(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = os.homedir();
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', FOLDER);
    case 'win32':
      return join(env['APPDATA'] ?? join(home, 'AppData', 'Roaming'), FOLDER);
    default:
      return join(env['XDG_DATA_HOME'] || join(home, '.local', 'share'), 'hyperadapt-studio');
  }
}

export function resolveDataDirectory(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): { path: string; source: DataDirectorySource } {
  const override = env[DATA_DIR_ENV];
  if (override) return { path: isAbsolute(override) ? override : resolve(override), source: 'environment' };
  const fallback = defaultDataDirectory(env, platform);
  const chosen = readSettings(fallback).dataDirectory;
  return chosen ? { path: chosen, source: 'setting' } : { path: fallback, source: 'default' };
}

export function dataDirectory(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  return resolveDataDirectory(env, platform).path;
}
