/**
 * The preferences the Settings screen edits beside the data folder: the training device and
 * threads new runs default to, and the theme. Kept in settings.json with the data folder.
 */
import { defaultDataDirectory } from '../data-directory';
import type { Preferences, PreferencesChange } from '../api/wizard-contract';
import type { RunSettings } from '../store/records';
import { readSettings, writeSettings } from './settings-file';

export function readPreferences(env: NodeJS.ProcessEnv = process.env): Preferences {
  const settings = readSettings(defaultDataDirectory(env));
  return { device: settings.device ?? 'auto', threads: settings.threads ?? null, theme: settings.theme ?? 'system' };
}

/** Applies the fields given; threads: null goes back to onnxruntime's choice. */
export async function changePreferences(change: PreferencesChange, env: NodeJS.ProcessEnv = process.env): Promise<Preferences> {
  const folder = defaultDataDirectory(env);
  const settings = readSettings(folder);
  if (change.device !== undefined) settings.device = change.device;
  if (change.theme !== undefined) settings.theme = change.theme;
  if (change.threads === null) delete settings.threads;
  else if (change.threads !== undefined) settings.threads = change.threads;
  await writeSettings(folder, settings);
  return readPreferences(env);
}

/** What a new run takes from the preferences where its own settings are silent. */
export function runDefaults(preferences: Preferences): Partial<RunSettings> {
  return { device: preferences.device, ...(preferences.threads === null ? {} : { threads: preferences.threads }) };
}
