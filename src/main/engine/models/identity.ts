/**
 * A base model's identity, recorded in adapter lineage (DESIGN.md section 1): the architecture,
 * the sha256 of config.json, and the sha256 of each weight file, hashed as streams so that
 * multi-gigabyte shards are never held in memory.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Architecture } from './architectures';
import { CONFIG_FILE, type ModelConfig } from './config';
import type { WeightMap } from './weights';
import { sha256File } from '../../fs/hash';

export interface WeightFileIdentity {
  /** Relative to the model folder. */
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface ModelIdentity {
  readonly architecture: Architecture;
  readonly configSha256: string;
  /** Sorted by file name, so the identity does not depend on index order. */
  readonly weightFiles: readonly WeightFileIdentity[];
}

export async function computeModelIdentity(dir: string, config: ModelConfig, weights: WeightMap): Promise<ModelIdentity> {
  const files = [...weights.files].sort();
  const weightFiles: WeightFileIdentity[] = [];
  // One file at a time: hashing is disk-bound, and parallel reads of shards only thrash.
  for (const file of files) {
    const path = join(dir, file);
    weightFiles.push({ file, bytes: (await stat(path)).size, sha256: await sha256File(path) });
  }
  return { architecture: config.architecture, configSha256: await sha256File(join(dir, CONFIG_FILE)), weightFiles };
}
