/**
 * Loads a Hugging Face model folder: config.json -> ModelConfig and ModelSpec, the weight map
 * checked against the spec, the tokenizer, the chat template and generation_config.json.
 * Weights stay on disk; only headers are read.
 */
import { join } from 'node:path';
import { type ChatTemplate, loadChatTemplate } from './chat-template';
import { type ModelConfig, readModelConfig } from './config';
import { ModelConfigError } from './errors';
import { type GenerationConfig, readGenerationConfig } from './generation-config';
import { buildModelSpec, type ModelSpec } from './spec';
import { ModelTokenizer, TOKENIZER_FILE } from './tokenizer';
import { checkWeights, readWeightMap, type WeightMap } from './weights';

export interface HfModel {
  readonly dir: string;
  readonly config: ModelConfig;
  readonly spec: ModelSpec;
  readonly weights: WeightMap;
  readonly tokenizer: ModelTokenizer;
  /** null for a base model without a chat template. */
  readonly chatTemplate: ChatTemplate | null;
  readonly generation: GenerationConfig;
  /** Ids that end generation: generation_config.json's, else config.json's, else the tokenizer's EOS. */
  readonly eosTokenIds: readonly number[];
}

export async function loadHfModel(dir: string): Promise<HfModel> {
  const config = await readModelConfig(dir);
  const spec = buildModelSpec(config);
  const weights = await readWeightMap(dir);
  checkWeights(spec, weights);
  const tokenizer = await ModelTokenizer.load(dir);
  // An id past the embedding's rows would fail deep inside Gather; say so here instead.
  if (tokenizer.size > config.vocabSize) {
    throw new ModelConfigError(config.file, 'vocab_size', `at least the ${tokenizer.size} ids of ${join(dir, TOKENIZER_FILE)}`, String(config.vocabSize));
  }
  const chatTemplate = await loadChatTemplate(dir, tokenizer);
  const generation = await readGenerationConfig(dir);
  const eosTokenIds =
    generation.eosTokenIds.length > 0 ? generation.eosTokenIds : config.eosTokenIds.length > 0 ? config.eosTokenIds : tokenizer.eosTokenId !== null ? [tokenizer.eosTokenId] : [];
  return { dir, config, spec, weights, tokenizer, chatTemplate, generation, eosTokenIds };
}
