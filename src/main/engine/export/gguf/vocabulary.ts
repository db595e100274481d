/**
 * The tokenizer as GGUF metadata for llama.cpp's "gpt2" (byte-level BPE) vocabulary: every id's
 * token string as tokenizer.json spells it (byte-level characters, e.g. "Ġthe"), its type, the
 * merges as "left right", and the pre-tokenizer name llama.cpp selects its split regex by.
 * Ids past the tokenizer's size (the embedding may be padded) become unused "[PADn]" tokens, as
 * llama.cpp's converter does.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TOKENIZER_FILE } from '../../models/tokenizer';
import { TokenType } from './constants';

export interface GgufVocabulary {
  readonly model: 'gpt2';
  readonly pre: string;
  readonly tokens: string[];
  readonly tokenTypes: number[];
  readonly merges: string[];
}

/** A tokenizer llama.cpp cannot represent as we convert it. */
export class UnsupportedTokenizerError extends Error {
  override name = 'UnsupportedTokenizerError';
  constructor(
    readonly file: string,
    readonly found: string,
  ) {
    super(`${file}: GGUF export supports byte-level BPE tokenizers (GPT-2, Llama 3, Qwen style), found ${found}`);
  }
}

interface TokenizerJson {
  model?: { type?: string; vocab?: Record<string, number>; merges?: (string | [string, string])[] };
  added_tokens?: { id: number; content: string; special?: boolean }[];
  pre_tokenizer?: unknown;
}

export async function readGgufVocabulary(dir: string, vocabSize: number): Promise<GgufVocabulary> {
  const file = join(dir, TOKENIZER_FILE);
  const json = JSON.parse(await readFile(file, 'utf8')) as TokenizerJson;
  const model = json.model;
  if (model?.type !== 'BPE' || !model.vocab || !Array.isArray(model.merges)) throw new UnsupportedTokenizerError(file, `a ${model?.type ?? 'missing'} model`);
  const pre = preTokenizerName(json.pre_tokenizer);
  if (pre === null) throw new UnsupportedTokenizerError(file, 'a pre-tokenizer without byte-level encoding');

  const tokens: (string | undefined)[] = new Array(vocabSize);
  const tokenTypes = new Array<number>(vocabSize).fill(TokenType.NORMAL);
  const place = (id: number, content: string, type: TokenType): void => {
    if (id >= vocabSize) throw new UnsupportedTokenizerError(file, `token id ${id} past the model's ${vocabSize} embedding rows`);
    tokens[id] = content;
    tokenTypes[id] = type;
  };
  for (const [content, id] of Object.entries(model.vocab)) place(id, content, TokenType.NORMAL);
  for (const t of json.added_tokens ?? []) place(t.id, t.content, t.special ? TokenType.CONTROL : TokenType.USER_DEFINED);
  for (let id = 0; id < vocabSize; id++) {
    if (tokens[id] === undefined) place(id, `[PAD${id}]`, TokenType.UNUSED);
  }
  const merges = model.merges.map((m) => (typeof m === 'string' ? m : `${m[0]} ${m[1]}`));
  return { model: 'gpt2', pre, tokens: tokens as string[], tokenTypes, merges };
}

// The split patterns llama.cpp knows by name (llama-vocab.cpp, LLAMA_VOCAB_PRE_TYPE_*), told apart
// by the digit rule: Llama 3 groups up to three digits, Qwen2 splits every digit.
const LLAMA3_DIGITS = '\\p{N}{1,3}';
const QWEN2_DIGITS = '\\p{N}|';

/**
 * "gpt-2" for the plain ByteLevel pre-tokenizer with its GPT-2 regex; "llama-bpe" or "qwen2" for a
 * Split with those models' regex followed by ByteLevel; "default" for another byte-level split
 * (llama.cpp then uses its default regex, which the export's tokenization check compares);
 * null when there is no byte-level step at all.
 */
export function preTokenizerName(pre: unknown): string | null {
  const steps = flatten(pre);
  const byteLevel = steps.find((s) => s.type === 'ByteLevel');
  if (!byteLevel) return null;
  if (steps.length === 1) return byteLevel.use_regex === false ? 'default' : 'gpt-2';
  const pattern = steps.map((s) => (s.type === 'Split' && isRecord(s.pattern) ? s.pattern.Regex : undefined)).find((p) => typeof p === 'string');
  if (typeof pattern === 'string' && pattern.includes(LLAMA3_DIGITS)) return 'llama-bpe';
  if (typeof pattern === 'string' && pattern.includes(QWEN2_DIGITS)) return 'qwen2';
  return 'default';
}

function flatten(pre: unknown): Record<string, unknown>[] {
  if (!isRecord(pre)) return [];
  if (pre.type === 'Sequence' && Array.isArray(pre.pretokenizers)) return pre.pretokenizers.flatMap(flatten);
  return [pre];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
