/**
 * The metadata keys we write and the value type each must have (gguf.md "Standardized key-value
 * pairs"; llama.cpp gguf-py constants.py, class Keys). Arch keys are prefixed with the
 * architecture name, e.g. "llama.context_length". Typing the tables lets the compiler refuse a
 * value of the wrong kind for a key.
 */

export type KeyKind = 'u32' | 'i32' | 'f32' | 'bool' | 'string' | 'string[]' | 'i32[]';

export type KindValue<K extends KeyKind> = K extends 'u32' | 'i32' | 'f32'
  ? number
  : K extends 'bool'
    ? boolean
    : K extends 'string'
      ? string
      : K extends 'string[]'
        ? readonly string[]
        : readonly number[];

export const GENERAL_KEYS = {
  'general.architecture': 'string',
  'general.name': 'string',
  'general.file_type': 'u32',
  'general.quantization_version': 'u32',
  'general.alignment': 'u32',
  'tokenizer.ggml.model': 'string',
  'tokenizer.ggml.pre': 'string',
  'tokenizer.ggml.tokens': 'string[]',
  'tokenizer.ggml.token_type': 'i32[]',
  'tokenizer.ggml.merges': 'string[]',
  'tokenizer.ggml.bos_token_id': 'u32',
  'tokenizer.ggml.eos_token_id': 'u32',
  'tokenizer.ggml.eot_token_id': 'u32',
  'tokenizer.ggml.padding_token_id': 'u32',
  'tokenizer.ggml.add_bos_token': 'bool',
  'tokenizer.ggml.add_eos_token': 'bool',
  'tokenizer.chat_template': 'string',
} as const satisfies Record<string, KeyKind>;

export type GeneralKey = keyof typeof GENERAL_KEYS;

/** Keys under the architecture's prefix. */
export const ARCH_KEYS = {
  vocab_size: 'u32',
  context_length: 'u32',
  embedding_length: 'u32',
  block_count: 'u32',
  feed_forward_length: 'u32',
  'attention.head_count': 'u32',
  'attention.head_count_kv': 'u32',
  'attention.key_length': 'u32',
  'attention.value_length': 'u32',
  'attention.layer_norm_rms_epsilon': 'f32',
  'rope.freq_base': 'f32',
  'rope.dimension_count': 'u32',
} as const satisfies Record<string, KeyKind>;

export type ArchKey = keyof typeof ARCH_KEYS;
