/**
 * config.json -> ModelConfig: one vocabulary for every supported architecture, with
 * transformers' defaults where a field is absent (the config classes' __init__ defaults).
 * The core dimensions have no default: a config without them is not a usable checkpoint.
 */
import { join } from 'node:path';
import { ARCHITECTURES, type Architecture, isSupportedArchitecture, type ProjectionBiases, SUPPORTED_ARCHITECTURES } from './architectures';
import { UnsupportedArchitectureError } from './errors';
import { JsonFields, type JsonObject, readJsonObject } from './json-file';
import { parseRope, type RopeSpec } from './rope';

export const CONFIG_FILE = 'config.json';

/** Activations transformers' ACT2FN maps to SiLU. */
const SILU_NAMES = ['silu', 'swish'];

export interface ModelConfig {
  /** Path of the config.json this came from. */
  readonly file: string;
  readonly architecture: Architecture;
  readonly modelType: string;
  /** V: rows of the embedding and of the output head (may exceed the tokenizer's size). */
  readonly vocabSize: number;
  /** C */
  readonly hiddenSize: number;
  /** I: width of the SwiGLU MLP. */
  readonly intermediateSize: number;
  /** L */
  readonly numLayers: number;
  /** H: query heads. */
  readonly numHeads: number;
  /** KV: key/value heads; H is a multiple of KV (grouped-query attention). */
  readonly numKvHeads: number;
  /** Dh: may differ from C / H (Qwen3 sets it explicitly). */
  readonly headDim: number;
  readonly rmsNormEps: number;
  readonly maxPositionEmbeddings: number;
  /** The output head reuses model.embed_tokens.weight; lm_head.weight is then not read. */
  readonly tieWordEmbeddings: boolean;
  readonly rope: RopeSpec;
  readonly biases: ProjectionBiases;
  /** Qwen3: RMSNorm over Dh of every query and key head, before RoPE. */
  readonly qkNorm: boolean;
  /** Per layer: sliding attention window in tokens, or null for full causal attention. */
  readonly slidingWindows: readonly (number | null)[];
  /** The dtype the checkpoint says it was saved in (torch_dtype, or dtype in transformers 5), if any. */
  readonly savedDtype: string | null;
  /** Token ids config.json declares (generation_config.json and the tokenizer may refine them). */
  readonly bosTokenId: number | null;
  readonly eosTokenIds: readonly number[];
}

/** Reads and validates `dir/config.json`. */
export async function readModelConfig(dir: string): Promise<ModelConfig> {
  const file = join(dir, CONFIG_FILE);
  return normalizeConfig(file, await readJsonObject(file, 'model config'));
}

/** Validates a parsed config.json; `file` labels errors. */
export function normalizeConfig(file: string, json: JsonObject): ModelConfig {
  const config = new JsonFields(file, json);
  const architecture = readArchitecture(config);
  const traits = ARCHITECTURES[architecture];

  const hiddenSize = config.int('hidden_size');
  const numHeads = config.int('num_attention_heads');
  const numKvHeads = config.int('num_key_value_heads', numHeads);
  if (numHeads % numKvHeads !== 0) config.fail('num_key_value_heads', `a divisor of num_attention_heads (${numHeads})`);
  const headDim = readHeadDim(config, traits.defaultHeadDim, hiddenSize, numHeads);
  const numLayers = config.int('num_hidden_layers');

  const act = config.string('hidden_act', 'silu');
  if (!SILU_NAMES.includes(act)) config.fail('hidden_act', `"silu" (the SwiGLU MLP of ${architecture})`);

  return {
    file,
    architecture,
    modelType: config.string('model_type', traits.modelType),
    vocabSize: config.int('vocab_size'),
    hiddenSize,
    intermediateSize: config.int('intermediate_size'),
    numLayers,
    numHeads,
    numKvHeads,
    headDim,
    rmsNormEps: config.positive('rms_norm_eps', 1e-6),
    maxPositionEmbeddings: config.int('max_position_embeddings', traits.maxPositionEmbeddings),
    tieWordEmbeddings: config.bool('tie_word_embeddings', false),
    rope: parseRope(config),
    biases: traits.biases(config),
    qkNorm: traits.qkNorm,
    slidingWindows: traits.slidingWindows(config, numLayers),
    savedDtype: config.has('torch_dtype') ? config.string('torch_dtype') : config.has('dtype') ? config.string('dtype') : null,
    bosTokenId: config.optionalId('bos_token_id'),
    eosTokenIds: readTokenIds(config, 'eos_token_id'),
  };
}

function readArchitecture(config: JsonFields): Architecture {
  const list = config.raw('architectures');
  if (!Array.isArray(list) || list.length === 0 || typeof list[0] !== 'string') {
    config.fail('architectures', `a list naming the model class, one of ${SUPPORTED_ARCHITECTURES.join(', ')}`);
  }
  const name = list[0] as string;
  if (!isSupportedArchitecture(name)) throw new UnsupportedArchitectureError(config.file, name, SUPPORTED_ARCHITECTURES);
  return name;
}

/** head_dim when given (null counts as absent), else the architecture's default, else C / H. */
function readHeadDim(config: JsonFields, fallback: number | null, hiddenSize: number, numHeads: number): number {
  if (!config.has('head_dim') && fallback === null && hiddenSize % numHeads !== 0) {
    config.fail('num_attention_heads', `a divisor of hidden_size (${hiddenSize}) when head_dim is not given`);
  }
  const headDim = config.int('head_dim', fallback ?? hiddenSize / numHeads);
  if (headDim % 2 !== 0) config.fail('head_dim', 'an even number (rotary embeddings rotate pairs)');
  return headDim;
}

/** An id or a list of ids (eos_token_id may be either); absent or null gives []. */
export function readTokenIds(fields: JsonFields, field: string): number[] {
  if (!fields.has(field)) return [];
  const value = fields.raw(field);
  const ids = Array.isArray(value) ? value : [value];
  if (!ids.every((id) => Number.isSafeInteger(id) && (id as number) >= 0)) fields.fail(field, 'a token id or a list of token ids');
  return ids as number[];
}
