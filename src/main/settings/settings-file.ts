/**
 * The app's own settings file, settings.json, kept in the platform's default data folder. It
 * cannot live in the chosen data folder, since one of its settings is where that folder is.
 * Read synchronously: it is tiny and needed before anything else opens.
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as v from 'valibot';
import { writeFileAtomic } from '../fs/atomic-write';

export const SETTINGS_FILE = 'settings.json';

const settingsSchema = v.object({
  /** Absolute path of the library folder the user chose, when not the default. */
  dataDirectory: v.optional(v.pipe(v.string(), v.minLength(1))),
  /** Where new runs train unless their settings say otherwise. */
  device: v.optional(v.picklist(['auto', 'cpu', 'cuda'])),
  /** CPU threads new runs use unless their settings say otherwise; unset: onnxruntime's choice. */
  threads: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1024))),
  /** The window's colours; 'system' follows the operating system's light or dark setting. */
  theme: v.optional(v.picklist(['system', 'light', 'dark'])),
});

export type AppSettings = v.InferOutput<typeof settingsSchema>;

export function settingsPath(folder: string): string {
  return join(folder, SETTINGS_FILE);
}

/** The settings in `folder`, or none when there is no file yet. A damaged file is an error naming it. */
export function readSettings(folder: string): AppSettings {
  const file = settingsPath(folder);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message}); fix it or delete it to go back to the defaults.`);
  }
  const result = v.safeParse(settingsSchema, parsed);
  if (!result.success) {
    const issue = result.issues[0];
    throw new Error(`${file}: ${v.getDotPath(issue) ?? '(settings)'}: ${issue.message}; fix it or delete it to go back to the defaults.`);
  }
  return result.output;
}

export async function writeSettings(folder: string, settings: AppSettings): Promise<void> {
  await mkdir(folder, { recursive: true });
  await writeFileAtomic(settingsPath(folder), JSON.stringify(settings, null, 2) + '\n');
}
