/**
 * The non-weight files of a Hugging Face folder an export carries over unchanged: the config,
 * generation defaults and every tokenizer file transformers may look for. Missing ones are skipped.
 */
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathExists } from '../../fs/exists';

export const COMPANION_FILES = [
  'config.json',
  'generation_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'added_tokens.json',
  'vocab.json',
  'merges.txt',
  'tokenizer.model',
  'chat_template.jinja',
  'chat_template.json',
] as const;

/** Copies each companion file present in `from` into `to`; returns the names copied. */
export async function copyCompanionFiles(from: string, to: string, names: readonly string[] = COMPANION_FILES): Promise<string[]> {
  const copied: string[] = [];
  for (const name of names) {
    const source = join(from, name);
    if (!(await pathExists(source))) continue;
    await copyFile(source, join(to, name));
    copied.push(name);
  }
  return copied;
}
