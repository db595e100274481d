/**
 * The models the training benchmark runs, written once under .bench/train (gitignored) and reused.
 * Tiny and Qwen2.5-0.5B-shaped models come from the tiny-model generator. The generator's
 * byte-level tokenizer fixes the vocabulary at what its built-in text yields (about a thousand
 * ids), so the hidden-512 model with a 32000-word vocabulary is written here: the same
 * Hugging Face layout (config.json and model.safetensors, weights normal * 0.02 in the spec's
 * order) without a tokenizer, which the benchmark does not need.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CONFIG_FILE, normalizeConfig, readModelConfig } from '../src/main/engine/models/config';
import type { JsonObject } from '../src/main/engine/models/json-file';
import { buildModelSpec, type ModelSpec } from '../src/main/engine/models/spec';
import { generateTinyModel, type TinyModelOptions } from '../src/main/engine/models/tiny-model';
import { readWeightMap, SINGLE_WEIGHTS_FILE, type WeightMap } from '../src/main/engine/models/weights';
import { SafetensorsWriter } from '../src/main/engine/onnx/safetensors-writer';
import { Random } from '../src/main/engine/random';

export interface BenchModel {
  readonly dir: string;
  readonly spec: ModelSpec;
  readonly weights: WeightMap;
}

/** What the benchmark reads of a model folder: config and weight headers (no tokenizer). */
export async function openBenchModel(dir: string): Promise<BenchModel> {
  return { dir, spec: buildModelSpec(await readModelConfig(dir)), weights: await readWeightMap(dir) };
}

/** Generates the model unless `dir` already holds one. */
export async function ensureTinyModel(dir: string, options: Omit<TinyModelOptions, 'out'>): Promise<void> {
  if (!existsSync(join(dir, CONFIG_FILE))) await generateTinyModel({ ...options, out: dir });
}

/** A Llama-architecture F32 model from its config.json fields, random weights from `seed`, unless `dir` holds one. */
export async function ensureConfigModel(dir: string, config: JsonObject, seed: number): Promise<void> {
  if (existsSync(join(dir, CONFIG_FILE))) return;
  await mkdir(dir, { recursive: true });
  const spec = buildModelSpec(normalizeConfig(join(dir, CONFIG_FILE), config));
  const specs = spec.tensors.map((t) => ({ name: t.name, dtype: 'F32' as const, shape: t.shape }));
  const writer = await SafetensorsWriter.open(join(dir, SINGLE_WEIGHTS_FILE), specs, { format: 'pt' });
  const random = new Random(seed);
  try {
    for (const t of spec.tensors) {
      const norm = t.name.endsWith('norm.weight');
      const values = new Float32Array(t.shape.reduce((n, d) => n * d, 1));
      for (let i = 0; i < values.length; i++) values[i] = norm ? 1 : 0.02 * random.normal();
      await writer.writeTensor(t.name, values);
    }
    await writer.commit();
  } catch (error) {
    await writer.abort();
    throw error;
  }
  // Written last: a folder with config.json is complete.
  await writeFile(join(dir, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
}
