/** A tiny model folder and a small pre-tokenized data file on disk, for the UI to add or the tests to seed. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTinyModel } from '../../../src/main/engine/models/tiny-model';

export async function tinyModelFolder(seed = 1): Promise<string> {
  const out = join(await mkdtemp(join(tmpdir(), 'hyperadapt-e2e-model-')), 'tiny-qwen');
  await generateTinyModel({ arch: 'qwen2', hidden: 32, layers: 2, seed, out });
  return out;
}

/** Rows the tiny vocabulary covers: training on them takes about a second. */
export async function tinyDataFile(rows = 40): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'hyperadapt-e2e-data-')), 'rows.jsonl');
  const lines = Array.from({ length: rows }, (_, i) => JSON.stringify({ input_ids: [1 + (i % 9), 20 + (i % 5), 40 + (i % 3), 60 + (i % 7)] }));
  await writeFile(path, lines.join('\n') + '\n');
  return path;
}

/** Short chat rows in the tiny vocabulary: each validation row has a prompt and a reference answer. */
export async function chatDataFile(rows = 40): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'hyperadapt-e2e-chat-')), 'chat.jsonl');
  const words = ['one', 'two', 'three', 'four', 'five'];
  const lines = Array.from({ length: rows }, (_, i) =>
    JSON.stringify({ messages: [{ role: 'user', content: `count ${words[i % 5]}` }, { role: 'assistant', content: `${words[(i + 1) % 5]} ${words[(i + 2) % 5]}` }] }),
  );
  await writeFile(path, lines.join('\n') + '\n');
  return path;
}
