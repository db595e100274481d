/**
 * The data folder as a setting: what is in use, where that comes from, and changing it. A change
 * takes effect the next time the app (or the CLI) starts; the running app keeps its library
 * open. Nothing is moved: paths in the library are relative, so a library folder moved by hand
 * works once the setting points at it.
 */
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { defaultDataDirectory, resolveDataDirectory, DATA_DIR_ENV, type DataDirectorySource } from '../data-directory';
import { UserInputError } from '../request-errors';
import { readSettings, writeSettings } from './settings-file';

export interface DataDirectoryState {
  /** The folder the next start will use. */
  path: string;
  source: DataDirectorySource;
  /** The folder chosen in Settings, if any (it may be overridden by the environment). */
  chosen: string | null;
  /** The platform's default folder. */
  default: string;
  /** Set when HYPERADAPT_DATA_DIR overrides the setting. */
  environmentOverride: string | null;
}

export function dataDirectoryState(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): DataDirectoryState {
  const fallback = defaultDataDirectory(env, platform);
  const { path, source } = resolveDataDirectory(env, platform);
  return { path, source, chosen: readSettings(fallback).dataDirectory ?? null, default: fallback, environmentOverride: env[DATA_DIR_ENV] || null };
}

/** Chooses the data folder (created if needed, and checked writable); null goes back to the default. */
export async function chooseDataDirectory(path: string | null, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Promise<DataDirectoryState> {
  const fallback = defaultDataDirectory(env, platform);
  const settings = readSettings(fallback);
  if (path === null) {
    delete settings.dataDirectory;
  } else {
    if (!isAbsolute(path)) throw new UserInputError('dataDirectory', `The data folder must be an absolute path; got "${path}".`);
    await mkdir(path, { recursive: true });
    try {
      await access(path, constants.W_OK);
    } catch {
      throw new UserInputError('dataDirectory', `The data folder ${path} is not writable; choose a folder you can write to.`);
    }
    settings.dataDirectory = path;
  }
  await writeSettings(fallback, settings);
  return dataDirectoryState(env, platform);
}
