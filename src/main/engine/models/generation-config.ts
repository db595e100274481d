/**
 * generation_config.json: the token ids that end or pad generation and the sampling defaults the
 * model's authors chose. The file is optional; transformers then derives it from config.json.
 */
import { join } from 'node:path';
import { readTokenIds } from './config';
import { JsonFields, readJsonObject } from './json-file';

export const GENERATION_CONFIG_FILE = 'generation_config.json';

export interface GenerationConfig {
  /** The file read, or null when the folder has none. */
  readonly file: string | null;
  readonly bosTokenId: number | null;
  /** eos_token_id may be one id or a list (chat models often stop on several). */
  readonly eosTokenIds: readonly number[];
  readonly padTokenId: number | null;
  readonly doSample: boolean | null;
  readonly temperature: number | null;
  readonly topP: number | null;
  readonly topK: number | null;
  readonly repetitionPenalty: number | null;
}

export async function readGenerationConfig(dir: string): Promise<GenerationConfig> {
  const file = join(dir, GENERATION_CONFIG_FILE);
  const json = await readJsonObject(file, 'generation config', true);
  if (!json) return { file: null, bosTokenId: null, eosTokenIds: [], padTokenId: null, doSample: null, temperature: null, topP: null, topK: null, repetitionPenalty: null };
  const fields = new JsonFields(file, json);
  const optional = <T>(field: string, read: (f: string) => T): T | null => (fields.has(field) ? read(field) : null);
  return {
    file,
    bosTokenId: fields.optionalId('bos_token_id'),
    eosTokenIds: readTokenIds(fields, 'eos_token_id'),
    padTokenId: fields.optionalId('pad_token_id'),
    doSample: optional('do_sample', (f) => fields.bool(f)),
    // Some files write temperature 0 (greedy decoding), so zero is accepted.
    temperature: optional('temperature', (f) => nonNegative(fields, f)),
    topP: optional('top_p', (f) => fields.positive(f)),
    topK: optional('top_k', (f) => fields.count(f)),
    repetitionPenalty: optional('repetition_penalty', (f) => fields.positive(f)),
  };
}

function nonNegative(fields: JsonFields, field: string): number {
  const value = fields.raw(field);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fields.fail(field, 'a non-negative number');
  return value;
}
