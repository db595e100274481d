/** Temporary folders holding generated tiny models, removed when the test file ends. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { generateTinyModel, type TinyModelOptions } from '../../../../src/main/engine/models/tiny-model';

let sharedRoot: string | undefined;
let counter = 0;
afterAll(async () => {
  if (sharedRoot) await rm(sharedRoot, { recursive: true, force: true });
});

/** A new empty path under this test file's scratch root. */
export async function freshDir(): Promise<string> {
  sharedRoot ??= await mkdtemp(join(tmpdir(), 'hyperadapt-models-'));
  return join(sharedRoot, `d${counter++}`);
}

/** Generates a tiny model into a fresh folder and returns the folder. */
export async function tinyModel(options: Omit<TinyModelOptions, 'out'>): Promise<string> {
  const out = await freshDir();
  await generateTinyModel({ ...options, out });
  return out;
}
