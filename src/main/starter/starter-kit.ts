/**
 * The starter kit: a tiny demo model and a small sample dataset, so a first-time user can walk
 * the whole workflow (model, data, train, try, export) with nothing downloaded. The model is
 * made on this computer by the tiny-model generator (random weights, a few hundred kilobytes),
 * the sample chats ship in resources/starter/. Both are written into the data folder, where the
 * wizard picks them up like any other folder and file.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTinyModel, type TinyModelOptions } from '../engine/models/tiny-model';
import { STARTER_NAMES, type StarterKit } from '../api/starter-contract';

export const SAMPLE_DATASET_FILE = 'sample-garden-chats.jsonl';
const MODEL_FOLDER = 'demo-tiny-model';

/**
 * Fixed options and seed, so every install makes the same model (the same fingerprint in the
 * library). Small enough to train a few epochs in seconds on a laptop CPU.
 */
export const DEMO_MODEL: Omit<TinyModelOptions, 'out'> = { arch: 'qwen2', hidden: 64, layers: 2, heads: 4, kvHeads: 2, vocab: 512, maxPositions: 1024, seed: 2509 };

/**
 * resources/ beside the app: HYPERADAPT_RESOURCES when set (packaging, tests), else the nearest
 * resources/starter above this module (src/main/starter in development, out/main when built).
 */
export function findResourcesDirectory(from: string = dirname(fileURLToPath(import.meta.url))): string {
  const given = process.env['HYPERADAPT_RESOURCES'];
  if (given) return given;
  for (let dir = from, depth = 0; depth < 8; dir = dirname(dir), depth++) {
    const candidate = join(dir, 'resources');
    if (existsSync(join(candidate, 'starter', SAMPLE_DATASET_FILE))) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error(`The starter kit's sample data (resources/starter/${SAMPLE_DATASET_FILE}) is missing from this installation; reinstall HyperAdapt Studio, or set HYPERADAPT_RESOURCES to its resources folder.`);
}

export class StarterKitFiles {
  readonly folder: string;

  constructor(
    dataDirectory: string,
    private readonly resources: () => string = () => findResourcesDirectory(),
  ) {
    this.folder = join(dataDirectory, 'starter');
  }

  get modelPath(): string {
    return join(this.folder, MODEL_FOLDER);
  }

  get datasetPath(): string {
    return join(this.folder, SAMPLE_DATASET_FILE);
  }

  status(): StarterKit {
    const ready = existsSync(join(this.modelPath, 'config.json')) && existsSync(this.datasetPath);
    return { ready, modelPath: this.modelPath, datasetPath: this.datasetPath, ...STARTER_NAMES };
  }

  /** Makes the demo model and copies the sample data, unless they are there already. Safe to call twice at once. */
  async prepare(): Promise<StarterKit> {
    await mkdir(this.folder, { recursive: true });
    if (!existsSync(join(this.modelPath, 'config.json'))) await this.#makeModel();
    if (!existsSync(this.datasetPath)) await this.#copyDataset();
    return this.status();
  }

  // Written beside its final place and renamed, so a killed process never leaves a half-made model that looks complete.
  async #makeModel(): Promise<void> {
    const temporary = join(this.folder, `.${MODEL_FOLDER}-${process.pid}-${Date.now()}`);
    try {
      await generateTinyModel({ ...DEMO_MODEL, out: temporary });
      // Another call may have finished first; its model is the same one.
      if (!existsSync(join(this.modelPath, 'config.json'))) {
        await rm(this.modelPath, { recursive: true, force: true });
        await rename(temporary, this.modelPath);
      }
    } finally {
      await rm(temporary, { recursive: true, force: true });
    }
  }

  async #copyDataset(): Promise<void> {
    const temporary = `${this.datasetPath}.${process.pid}.tmp`;
    await copyFile(join(this.resources(), 'starter', SAMPLE_DATASET_FILE), temporary);
    await rename(temporary, this.datasetPath);
  }
}
