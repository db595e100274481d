/**
 * A trained adapter on disk (DESIGN.md section 1):
 *   adapter_model.safetensors  float32 `<module>.hyperadapt_a` [out] and `.hyperadapt_b` [in]
 *   adapter_config.json        method, targets, base model identity, training config, metrics
 * Loading checks the tensors against the base model's layout and its identity against the
 * config's (lineage): an adapter is refused on a base model it was not trained on.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../fs/atomic-write';
import type { ModelIdentity } from '../models/identity';
import { AdapterConfigError, AdapterLineageError } from './errors';
import { identityDifferences } from './identity-differences';
import { adapterLayout, joinAdapterVector, splitAdapterVector, type AdapterLayout } from '../models/adapter-layout';
import type { ModelSpec } from '../models/spec';
import { parseTargetModules } from '../models/targets';
import { readSafetensorsHeader, readTensorFloat32 } from '../onnx/safetensors';
import { writeSafetensors } from '../onnx/safetensors-writer';

export const ADAPTER_WEIGHTS_FILE = 'adapter_model.safetensors';
export const ADAPTER_CONFIG_FILE = 'adapter_config.json';
export const ADAPTER_FORMAT_VERSION = 1;

export interface AdapterConfig {
  method: 'hyperadapt';
  format_version: number;
  target_modules: string[];
  trainable_parameters: number;
  base_model: {
    architecture: string;
    config_sha256: string;
    weight_files: { file: string; bytes: number; sha256: string }[];
    /** Where the base model was when the adapter was trained; informative only. */
    path: string;
  };
  /** The training configuration, as the trainer recorded it. */
  training: Record<string, unknown>;
  /** Final metrics (loss, validation loss, steps). */
  metrics: Record<string, number | null>;
  created_at: string;
}

/** The adapter's two files as bytes, so a checkpoint and a final save write the same thing. */
export function encodeAdapterConfig(config: AdapterConfig): string {
  return JSON.stringify(config, null, 2) + '\n';
}

export function baseModelRecord(identity: ModelIdentity, path: string): AdapterConfig['base_model'] {
  return {
    architecture: identity.architecture,
    config_sha256: identity.configSha256,
    weight_files: identity.weightFiles.map((f) => ({ file: f.file, bytes: f.bytes, sha256: f.sha256 })),
    path,
  };
}

/** Writes both files into `dir` (created if needed), each atomically. */
export async function saveAdapter(dir: string, layout: AdapterLayout, vector: Float32Array, config: AdapterConfig): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tensors = splitAdapterVector(layout, vector).map((t) => ({ name: t.name, dtype: 'F32' as const, shape: t.shape, data: t.data }));
  await writeSafetensors(join(dir, ADAPTER_WEIGHTS_FILE), tensors, { format: 'hyperadapt' });
  await writeFileAtomic(join(dir, ADAPTER_CONFIG_FILE), encodeAdapterConfig(config));
}

export async function readAdapterConfig(dir: string): Promise<AdapterConfig> {
  const file = join(dir, ADAPTER_CONFIG_FILE);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new AdapterConfigError(file, `cannot read the adapter config (${(error as Error).message})`);
  }
  const config = parsed as Partial<AdapterConfig>;
  if (config.method !== 'hyperadapt') throw new AdapterConfigError(file, `"method" is ${JSON.stringify(config.method)}, expected "hyperadapt"`);
  if (!Array.isArray(config.target_modules)) throw new AdapterConfigError(file, '"target_modules" must be a list of module names');
  if (typeof config.base_model?.config_sha256 !== 'string' || !Array.isArray(config.base_model.weight_files)) {
    throw new AdapterConfigError(file, `"base_model" must record the base model's config and weight hashes`);
  }
  return config as AdapterConfig;
}

/** Null when the adapter was trained on this exact base model, else a message naming both. */
export function lineageMismatch(config: AdapterConfig, identity: ModelIdentity, modelDir: string): string | null {
  const recorded = config.base_model;
  const problems = identityDifferences(
    { architecture: recorded.architecture, configSha256: recorded.config_sha256, weightFiles: recorded.weight_files },
    identity,
  );
  if (problems.length === 0) return null;
  return `This adapter was trained on the base model at ${recorded.path} (config sha256 ${recorded.config_sha256.slice(0, 12)}…), not on ${modelDir}: ${problems.join('; ')}.`;
}

export interface LoadedAdapter {
  config: AdapterConfig;
  layout: AdapterLayout;
  vector: Float32Array;
}

/** Reads an adapter for `spec`, refusing it when its lineage does not match `identity`. */
export async function loadAdapter(dir: string, spec: ModelSpec, identity: ModelIdentity, modelDir: string): Promise<LoadedAdapter> {
  const config = await readAdapterConfig(dir);
  const mismatch = lineageMismatch(config, identity, modelDir);
  if (mismatch) throw new AdapterLineageError(dir, modelDir, mismatch);
  const layout = adapterLayout(spec, parseTargetModules(config.target_modules));
  const header = await readSafetensorsHeader(join(dir, ADAPTER_WEIGHTS_FILE));
  const tensors = new Map<string, Float32Array>();
  for (const info of header.tensors) tensors.set(info.name, await readTensorFloat32(header, info.name));
  return { config, layout, vector: joinAdapterVector(layout, tensors) };
}
