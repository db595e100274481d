import os from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDirectory } from '../../../src/main/data-directory';

describe('dataDirectory', () => {
  it('follows the platform convention', () => {
    const home = os.homedir();
    expect(dataDirectory({}, 'linux')).toBe(join(home, '.local', 'share', 'hyperadapt-studio'));
    expect(dataDirectory({ XDG_DATA_HOME: '/xdg' }, 'linux')).toBe(join('/xdg', 'hyperadapt-studio'));
    expect(dataDirectory({}, 'darwin')).toBe(join(home, 'Library', 'Application Support', 'HyperAdapt Studio'));
    expect(dataDirectory({ APPDATA: 'C:\\Users\\me\\AppData\\Roaming' }, 'win32')).toBe(join('C:\\Users\\me\\AppData\\Roaming', 'HyperAdapt Studio'));
  });

  it('is overridden by HYPERADAPT_DATA_DIR, made absolute', () => {
    expect(dataDirectory({ HYPERADAPT_DATA_DIR: '/data/ha' }, 'linux')).toBe('/data/ha');
    expect(dataDirectory({ HYPERADAPT_DATA_DIR: 'rel/ha' }, 'darwin')).toBe(resolve('rel/ha'));
  });
});
