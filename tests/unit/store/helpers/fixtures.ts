/** Scratch libraries, tiny models and data files for the store's tests, removed when the file ends. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import { generateTinyModel, type TinyModelOptions } from '../../../../src/main/engine/models/tiny-model';
import { openLibrary } from '../../../../src/main/store/open-library';
import type { Library } from '../../../../src/main/store/library';

let root: string | undefined;
let counter = 0;
const opened: Library[] = [];

afterAll(async () => {
  for (const library of opened) if (library.db.open) library.close();
  if (root) await rm(root, { recursive: true, force: true });
});

/** A new path (not created) under this test file's scratch folder. */
export async function scratch(name = 'd'): Promise<string> {
  root ??= await mkdtemp(join(tmpdir(), 'hyperadapt-store-'));
  return join(root, `${name}-${counter++}`);
}

export async function scratchLibrary(): Promise<Library> {
  const { library } = openLibrary(await scratch('library'));
  opened.push(library);
  return library;
}

export async function tinyModelFolder(options: Partial<Omit<TinyModelOptions, 'out'>> = {}): Promise<string> {
  const out = await scratch('model');
  await generateTinyModel({ arch: 'llama', hidden: 32, layers: 2, seed: 1, ...options, out });
  return out;
}

/** Pre-tokenized rows the tiny models' vocabulary covers: quick to train on and deterministic. */
export async function tinyDataFile(rows = 40): Promise<string> {
  const path = join(await scratch('data'), 'rows.jsonl');
  await mkdir(dirname(path), { recursive: true });
  const lines = Array.from({ length: rows }, (_, i) => JSON.stringify({ input_ids: [1 + (i % 9), 20 + (i % 5), 40 + (i % 3), 60 + (i % 7)] }));
  await writeFile(path, lines.join('\n') + '\n');
  return path;
}
