/**
 * Where the library (database, models, datasets, runs, exports) lives: the platform's usual
 * application-data folder, or HYPERADAPT_DATA_DIR when set. Electron's app.getPath('userData')
 * is not used so the web shell and the CLI, which run without Electron, agree with the app.
 */
import os from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

export const DATA_DIR_ENV = 'HYPERADAPT_DATA_DIR';
const FOLDER = 'HyperAdapt Studio';

export function dataDirectory(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const override = env[DATA_DIR_ENV];
  if (override) return isAbsolute(override) ? override : resolve(override);
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
