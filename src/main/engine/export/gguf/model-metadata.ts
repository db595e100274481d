/**
 * The metadata block of a llama-family GGUF: hyperparameters under the architecture's prefix, the
 * tokenizer, special and stop tokens, and the chat template (gguf.md "LLM" and "Tokenizer" keys).
 */
import type { HfModel } from '../../models/hf-model';
import { GGML_QUANTIZATION_VERSION, LlamaFileType } from './constants';
import type { GgufDtype } from './tensor-plan';
import type { GgufVocabulary } from './vocabulary';
import type { GgufWriter } from './writer';

const FILE_TYPES: Readonly<Record<GgufDtype, LlamaFileType>> = {
  f32: LlamaFileType.ALL_F32,
  f16: LlamaFileType.MOSTLY_F16,
  bf16: LlamaFileType.MOSTLY_BF16,
  q8_0: LlamaFileType.MOSTLY_Q8_0,
};

export function addModelMetadata(writer: GgufWriter, model: HfModel, vocabulary: GgufVocabulary, name: string, dtype: GgufDtype): void {
  const c = model.config;
  writer.add('general.name', name);
  writer.add('general.file_type', FILE_TYPES[dtype]);
  writer.add('general.quantization_version', GGML_QUANTIZATION_VERSION);

  writer.addArch('vocab_size', c.vocabSize);
  writer.addArch('context_length', c.maxPositionEmbeddings);
  writer.addArch('embedding_length', c.hiddenSize);
  writer.addArch('block_count', c.numLayers);
  writer.addArch('feed_forward_length', c.intermediateSize);
  writer.addArch('attention.head_count', c.numHeads);
  writer.addArch('attention.head_count_kv', c.numKvHeads);
  // Explicit, since Qwen3's head dim need not be hidden / heads.
  writer.addArch('attention.key_length', c.headDim);
  writer.addArch('attention.value_length', c.headDim);
  writer.addArch('attention.layer_norm_rms_epsilon', c.rmsNormEps);
  writer.addArch('rope.freq_base', c.rope.theta);
  writer.addArch('rope.dimension_count', c.headDim);

  writer.add('tokenizer.ggml.model', vocabulary.model);
  writer.add('tokenizer.ggml.pre', vocabulary.pre);
  writer.add('tokenizer.ggml.tokens', vocabulary.tokens);
  writer.add('tokenizer.ggml.token_type', vocabulary.tokenTypes);
  writer.add('tokenizer.ggml.merges', vocabulary.merges);
  const stops = stopTokens(model);
  const tokenizer = model.tokenizer;
  if (tokenizer.bosTokenId !== null) writer.add('tokenizer.ggml.bos_token_id', tokenizer.bosTokenId);
  if (stops.eos !== null) writer.add('tokenizer.ggml.eos_token_id', stops.eos);
  if (stops.eot !== null) writer.add('tokenizer.ggml.eot_token_id', stops.eot);
  if (tokenizer.padTokenId !== null) writer.add('tokenizer.ggml.padding_token_id', tokenizer.padTokenId);
  // Written either way: llama.cpp's default for BPE vocabularies differs by pre-tokenizer.
  writer.add('tokenizer.ggml.add_bos_token', addsBos(model));
  writer.add('tokenizer.ggml.add_eos_token', false);
  if (model.chatTemplate) writer.add('tokenizer.chat_template', model.chatTemplate.source);
}

/**
 * The end-of-sequence token (the tokenizer's, else the first generation stop id) and, when
 * generation stops on another id too (ChatML's <|im_end|> beside <|endoftext|>), that one as
 * end-of-turn, so llama.cpp stops on both.
 */
export function stopTokens(model: Pick<HfModel, 'tokenizer' | 'eosTokenIds'>): { eos: number | null; eot: number | null } {
  const eos = model.tokenizer.eosTokenId ?? model.eosTokenIds[0] ?? null;
  const eot = model.eosTokenIds.find((id) => id !== eos) ?? null;
  return { eos, eot };
}

/** Whether encoding adds a BOS token, observed rather than read from one of several config spellings. */
function addsBos(model: Pick<HfModel, 'tokenizer'>): boolean {
  const bos = model.tokenizer.bosTokenId;
  if (bos === null) return false;
  const plain = model.tokenizer.encode('a', { addSpecialTokens: false });
  const full = model.tokenizer.encode('a');
  return full.length === plain.length + 1 && full[0] === bos;
}
