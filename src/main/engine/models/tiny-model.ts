/**
 * Generates tiny random models in exactly the Hugging Face layout (config.json,
 * generation_config.json, tokenizer.json, tokenizer_config.json with a chat template, and
 * model.safetensors or shards plus model.safetensors.index.json), for every supported
 * architecture. Tests and `hyperadapt dev tiny-model` use them; each option maps to one flag.
 *
 * Weights follow transformers' init (normal * 0.02, here `initStd`), except that RMSNorm weights
 * are 1 plus small noise, so a test cannot pass by ignoring a norm. A seed makes them reproducible.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Architecture } from './architectures';
import { CONFIG_FILE, normalizeConfig } from './config';
import { GENERATION_CONFIG_FILE } from './generation-config';
import type { JsonObject } from './json-file';
import { buildModelSpec, type ExpectedTensor } from './spec';
import { makeTinyTokenizer, type TinyTokenizerFiles, type TinyTokenizerKind } from './tiny-tokenizer';
import { TOKENIZER_CONFIG_FILE, TOKENIZER_FILE } from './tokenizer';
import { SINGLE_WEIGHTS_FILE, WEIGHTS_INDEX_FILE } from './weights';
import { writeFileAtomic } from '../../fs/atomic-write';
import { float32ToBfloat16, float32ToFloat16 } from '../onnx/dtypes';
import { SafetensorsWriter } from '../onnx/safetensors-writer';
import { Random } from '../random';

export const TINY_ARCHITECTURES: Readonly<Record<TinyArch, Architecture>> = {
  llama: 'LlamaForCausalLM',
  mistral: 'MistralForCausalLM',
  qwen2: 'Qwen2ForCausalLM',
  qwen3: 'Qwen3ForCausalLM',
};
export type TinyArch = 'llama' | 'mistral' | 'qwen2' | 'qwen3';
export type TinyDtype = 'F32' | 'F16' | 'BF16';
/** none; linear (factor 2); llama3 (factor 8, low 1, high 4, original 256: small head dims then see all three bands). */
export type TinyRopeScaling = 'none' | 'linear' | 'llama3';

export interface TinyModelOptions {
  /** --out: an empty or new folder. */
  out: string;
  /** --arch */
  arch: TinyArch;
  /** --hidden (C), default 64 */
  hidden?: number;
  /** --layers (L), default 2 */
  layers?: number;
  /** --heads (H), default 4 */
  heads?: number;
  /** --kv-heads (KV), default 2: grouped-query attention */
  kvHeads?: number;
  /** --head-dim (Dh), default hidden / heads */
  headDim?: number;
  /** --intermediate (I), default 3 * hidden */
  intermediate?: number;
  /** --tokenizer, default byte-bpe */
  tokenizer?: TinyTokenizerKind;
  /** --vocab: config vocab_size; byte-bpe: also its exact size (default 512); qwen3: default 151936 */
  vocab?: number;
  /** --dtype, default F32 */
  dtype?: TinyDtype;
  /** --tie: tie_word_embeddings, default false */
  tie?: boolean;
  /** --shards: weight files; more than 1 writes model.safetensors.index.json. Default 1. */
  shards?: number;
  /** --seed, default 0 */
  seed?: number;
  /** --rope-theta, default 10000 */
  ropeTheta?: number;
  /** --max-positions: max_position_embeddings, default 2048 */
  maxPositions?: number;
  /** --rope-scaling, default none */
  ropeScaling?: TinyRopeScaling;
  /** --sliding-window (mistral, qwen2, qwen3): window in tokens; qwen layers from 1 on use it. Default none. */
  slidingWindow?: number;
  /** --attention-bias (llama, qwen3), default false */
  attentionBias?: boolean;
  /** --mlp-bias (llama), default false */
  mlpBias?: boolean;
  /** --rms-norm-eps, default 1e-6 */
  rmsNormEps?: number;
  /** --init-std: standard deviation of weights and biases, default 0.02 */
  initStd?: number;
}

const ROPE_SCALING_JSON: Readonly<Record<TinyRopeScaling, JsonObject | null>> = {
  none: null,
  linear: { rope_type: 'linear', factor: 2 },
  llama3: { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 256 },
};

const TORCH_DTYPES: Readonly<Record<TinyDtype, string>> = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' };
/** Noise on RMSNorm weights around 1. */
const NORM_NOISE = 0.1;

export async function generateTinyModel(options: TinyModelOptions): Promise<void> {
  const o = resolveOptions(options);
  const tokenizer = await makeTinyTokenizer(o.tokenizer, o.vocab, o.maxPositions);
  const vocab = options.vocab ?? (o.tokenizer === 'qwen3' ? 151936 : tokenizer.size);
  if (vocab < tokenizer.size) throw new RangeError(`vocab: must be at least the tokenizer's ${tokenizer.size} ids, got ${vocab}`);

  const config = configJson(o, vocab, tokenizer);
  const spec = buildModelSpec(normalizeConfig(join(o.out, CONFIG_FILE), config));
  if (o.shards > spec.tensors.length) throw new RangeError(`shards: at most one per tensor (${spec.tensors.length}), got ${o.shards}`);
  await prepareOutput(o.out);
  await writeWeights(o, spec.tensors);

  const generation = { bos_token_id: tokenizer.endOfTextId, eos_token_id: [tokenizer.imEndId, tokenizer.endOfTextId], pad_token_id: tokenizer.endOfTextId };
  await writeJson(join(o.out, CONFIG_FILE), config);
  await writeJson(join(o.out, GENERATION_CONFIG_FILE), generation);
  await writeJson(join(o.out, TOKENIZER_FILE), tokenizer.tokenizerJson);
  await writeJson(join(o.out, TOKENIZER_CONFIG_FILE), tokenizer.tokenizerConfig);
}

type Resolved = Required<Omit<TinyModelOptions, 'headDim' | 'slidingWindow'>> & { headDim: number; slidingWindow: number | null };

function resolveOptions(options: TinyModelOptions): Resolved {
  const arch = options.arch;
  if (!Object.hasOwn(TINY_ARCHITECTURES, arch)) throw new RangeError(`arch: one of ${Object.keys(TINY_ARCHITECTURES).join(', ')}, got ${arch}`);
  const hidden = options.hidden ?? 64;
  const heads = options.heads ?? 4;
  const o: Resolved = {
    out: options.out,
    arch,
    hidden,
    layers: options.layers ?? 2,
    heads,
    kvHeads: options.kvHeads ?? Math.min(2, heads),
    headDim: options.headDim ?? hidden / heads,
    intermediate: options.intermediate ?? 3 * hidden,
    tokenizer: options.tokenizer ?? 'byte-bpe',
    vocab: options.vocab ?? 512,
    dtype: options.dtype ?? 'F32',
    tie: options.tie ?? false,
    shards: options.shards ?? 1,
    seed: options.seed ?? 0,
    ropeTheta: options.ropeTheta ?? 10000,
    maxPositions: options.maxPositions ?? 2048,
    ropeScaling: options.ropeScaling ?? 'none',
    slidingWindow: options.slidingWindow ?? null,
    attentionBias: options.attentionBias ?? false,
    mlpBias: options.mlpBias ?? false,
    rmsNormEps: options.rmsNormEps ?? 1e-6,
    initStd: options.initStd ?? 0.02,
  };
  for (const key of ['hidden', 'layers', 'heads', 'kvHeads', 'headDim', 'intermediate', 'vocab', 'shards', 'maxPositions'] as const) {
    if (!Number.isSafeInteger(o[key]) || o[key] <= 0) throw new RangeError(`${key}: a positive integer, got ${o[key]}`);
  }
  if (o.heads % o.kvHeads !== 0) throw new RangeError(`kvHeads: must divide heads (${o.heads}), got ${o.kvHeads}`);
  if (o.headDim % 2 !== 0) throw new RangeError(`headDim: must be even for rotary embeddings, got ${o.headDim}`);
  if (!Number.isSafeInteger(o.seed)) throw new RangeError(`seed: an integer, got ${o.seed}`);
  if (!Object.hasOwn(ROPE_SCALING_JSON, o.ropeScaling)) throw new RangeError(`ropeScaling: one of ${Object.keys(ROPE_SCALING_JSON).join(', ')}, got ${o.ropeScaling}`);
  if (!Object.hasOwn(TORCH_DTYPES, o.dtype)) throw new RangeError(`dtype: one of ${Object.keys(TORCH_DTYPES).join(', ')}, got ${o.dtype}`);
  for (const key of ['ropeTheta', 'rmsNormEps', 'initStd'] as const) {
    if (!(o[key] > 0 && Number.isFinite(o[key]))) throw new RangeError(`${key}: a positive number, got ${o[key]}`);
  }
  const onlyFor = (flag: keyof TinyModelOptions, archs: TinyArch[]): void => {
    if (options[flag] !== undefined && options[flag] !== false && !archs.includes(arch)) {
      throw new RangeError(`${flag}: applies to ${archs.join(', ')} only, not ${arch}`);
    }
  };
  onlyFor('slidingWindow', ['mistral', 'qwen2', 'qwen3']);
  onlyFor('attentionBias', ['llama', 'qwen3']);
  onlyFor('mlpBias', ['llama']);
  return o;
}

/** config.json in the transformers 4.x layout (rope_theta + rope_scaling), which transformers 5 also reads. */
function configJson(o: Resolved, vocab: number, tokenizer: TinyTokenizerFiles): JsonObject {
  const config: JsonObject = {
    architectures: [TINY_ARCHITECTURES[o.arch]],
    model_type: o.arch,
    vocab_size: vocab,
    hidden_size: o.hidden,
    intermediate_size: o.intermediate,
    num_hidden_layers: o.layers,
    num_attention_heads: o.heads,
    num_key_value_heads: o.kvHeads,
    head_dim: o.headDim,
    hidden_act: 'silu',
    max_position_embeddings: o.maxPositions,
    rms_norm_eps: o.rmsNormEps,
    rope_theta: o.ropeTheta,
    rope_scaling: ROPE_SCALING_JSON[o.ropeScaling],
    tie_word_embeddings: o.tie,
    torch_dtype: TORCH_DTYPES[o.dtype],
    bos_token_id: tokenizer.endOfTextId,
    eos_token_id: tokenizer.imEndId,
    initializer_range: o.initStd,
    attention_dropout: 0,
    use_cache: true,
  };
  if (o.arch === 'llama') Object.assign(config, { attention_bias: o.attentionBias, mlp_bias: o.mlpBias, pretraining_tp: 1 });
  if (o.arch === 'qwen3') config.attention_bias = o.attentionBias;
  // An explicit null: MistralConfig would otherwise default to a 4096-token window.
  if (o.arch === 'mistral') config.sliding_window = o.slidingWindow;
  if (o.arch === 'qwen2' || o.arch === 'qwen3') {
    // Layer 0 keeps full attention and later layers slide, so a two-layer model has both kinds.
    Object.assign(config, { use_sliding_window: o.slidingWindow !== null, sliding_window: o.slidingWindow, max_window_layers: o.slidingWindow !== null ? 1 : o.layers });
  }
  return config;
}

/** Contiguous groups of tensors, balanced by size: shard k holds a run of the spec's order. */
function shardTensors(tensors: readonly ExpectedTensor[], shards: number): ExpectedTensor[][] {
  const sizes = tensors.map((t) => t.shape.reduce((n, d) => n * d, 1));
  const total = sizes.reduce((a, b) => a + b, 0);
  const groups: ExpectedTensor[][] = [];
  let done = 0;
  let start = 0;
  for (let k = 0; k < shards; k++) {
    const left = shards - k - 1; // groups still to fill after this one; each needs a tensor
    let end = start + 1;
    done += sizes[start]!;
    while (end < tensors.length - left && done + sizes[end]! / 2 <= (total * (k + 1)) / shards) done += sizes[end++]!;
    if (k === shards - 1) end = tensors.length;
    groups.push(tensors.slice(start, end));
    start = end;
  }
  return groups;
}

/** Draws each tensor in spec order (so shards never change the values) and streams it to its file. */
async function writeWeights(o: Resolved, tensors: readonly ExpectedTensor[]): Promise<void> {
  const random = new Random(o.seed);
  const groups = shardTensors(tensors, o.shards);
  const fileName = (k: number): string =>
    o.shards === 1 ? SINGLE_WEIGHTS_FILE : `model-${String(k + 1).padStart(5, '0')}-of-${String(o.shards).padStart(5, '0')}.safetensors`;
  const weightMap: Record<string, string> = {};
  let totalSize = 0;
  for (const [k, group] of groups.entries()) {
    const specs = group.map((t) => ({ name: t.name, dtype: o.dtype, shape: t.shape }));
    const writer = await SafetensorsWriter.open(join(o.out, fileName(k)), specs, { format: 'pt' });
    try {
      for (const tensor of group) {
        const data = encode(drawTensor(random, tensor, o.initStd), o.dtype);
        await writer.writeTensor(tensor.name, data);
        weightMap[tensor.name] = fileName(k);
        totalSize += data.byteLength;
      }
      await writer.commit();
    } catch (error) {
      await writer.abort();
      throw error;
    }
  }
  if (o.shards > 1) await writeJson(join(o.out, WEIGHTS_INDEX_FILE), { metadata: { total_size: totalSize }, weight_map: weightMap });
}

function drawTensor(random: Random, tensor: ExpectedTensor, std: number): Float32Array {
  const isNorm = tensor.shape.length === 1 && tensor.name.endsWith('norm.weight');
  const values = new Float32Array(tensor.shape.reduce((n, d) => n * d, 1));
  for (let i = 0; i < values.length; i++) values[i] = isNorm ? 1 + NORM_NOISE * random.normal() : std * random.normal();
  return values;
}

function encode(values: Float32Array, dtype: TinyDtype): ArrayBufferView {
  if (dtype === 'F16') return float32ToFloat16(values);
  if (dtype === 'BF16') return float32ToBfloat16(values);
  return values;
}

/** Refuses a folder that already holds files: stale shards or configs would mix with the new model. */
async function prepareOutput(out: string): Promise<void> {
  await mkdir(out, { recursive: true });
  const present = await readdir(out);
  if (present.length > 0) throw new Error(`${out}: the output folder must be empty or new; it holds ${present.slice(0, 3).join(', ')}${present.length > 3 ? ', ...' : ''}`);
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
