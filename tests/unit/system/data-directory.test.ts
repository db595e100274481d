import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataDirectory, defaultDataDirectory, resolveDataDirectory } from '../../../src/main/data-directory';
import { chooseDataDirectory, dataDirectoryState } from '../../../src/main/settings/data-directory-setting';

let xdg: string;
beforeAll(async () => {
  xdg = await mkdtemp(join(tmpdir(), 'hyperadapt-xdg-'));
});
afterAll(async () => {
  await rm(xdg, { recursive: true, force: true });
});

describe('dataDirectory', () => {
  it('follows the platform convention', () => {
    const home = os.homedir();
    expect(defaultDataDirectory({}, 'linux')).toBe(join(home, '.local', 'share', 'hyperadapt-studio'));
    expect(defaultDataDirectory({ XDG_DATA_HOME: '/xdg' }, 'linux')).toBe(join('/xdg', 'hyperadapt-studio'));
    expect(defaultDataDirectory({}, 'darwin')).toBe(join(home, 'Library', 'Application Support', 'HyperAdapt Studio'));
    expect(defaultDataDirectory({ APPDATA: 'C:\\Users\\me\\AppData\\Roaming' }, 'win32')).toBe(join('C:\\Users\\me\\AppData\\Roaming', 'HyperAdapt Studio'));
    expect(dataDirectory({ XDG_DATA_HOME: join(xdg, 'empty') }, 'linux')).toBe(join(xdg, 'empty', 'hyperadapt-studio'));
  });

  it('is overridden by HYPERADAPT_DATA_DIR, made absolute', () => {
    expect(dataDirectory({ HYPERADAPT_DATA_DIR: '/data/ha' }, 'linux')).toBe('/data/ha');
    expect(dataDirectory({ HYPERADAPT_DATA_DIR: 'rel/ha' }, 'darwin')).toBe(resolve('rel/ha'));
  });

  it('uses the folder chosen in Settings, below the environment override, and can go back to the default', async () => {
    const env = { XDG_DATA_HOME: xdg };
    const chosen = join(xdg, 'elsewhere', 'library');
    const state = await chooseDataDirectory(chosen, env, 'linux');
    expect(state).toEqual({ path: chosen, source: 'setting', chosen, default: join(xdg, 'hyperadapt-studio'), environmentOverride: null });
    expect(JSON.parse(await readFile(join(xdg, 'hyperadapt-studio', 'settings.json'), 'utf8'))).toEqual({ dataDirectory: chosen });
    expect(resolveDataDirectory({ ...env, HYPERADAPT_DATA_DIR: '/data/ha' }, 'linux')).toEqual({ path: '/data/ha', source: 'environment' });
    expect(dataDirectoryState({ ...env, HYPERADAPT_DATA_DIR: '/data/ha' }, 'linux')).toMatchObject({ chosen, environmentOverride: '/data/ha' });
    await expect(chooseDataDirectory('relative/path', env, 'linux')).rejects.toThrow(/must be an absolute path/);
    expect((await chooseDataDirectory(null, env, 'linux')).source).toBe('default');
    expect(dataDirectory(env, 'linux')).toBe(join(xdg, 'hyperadapt-studio'));
  });

  it('names a damaged settings file instead of ignoring it', async () => {
    const env = { XDG_DATA_HOME: join(xdg, 'damaged') };
    await chooseDataDirectory(null, env, 'linux');
    await writeFile(join(xdg, 'damaged', 'hyperadapt-studio', 'settings.json'), '{ "dataDirectory": 3 }');
    expect(() => dataDirectory(env, 'linux')).toThrow(/settings\.json: dataDirectory: .*delete it to go back to the defaults/);
  });
});
