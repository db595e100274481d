/**
 * Adding a model: check the folder is a model we can train (before moving gigabytes), bring
 * its files into a staging folder of the library (hard links, else copies), hash them, and
 * record it. The user's folder is only ever read. Adding the same model twice (same config and
 * weight hashes) returns the one already there.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadHfModel, type HfModel } from '../engine/models/hf-model';
import { computeModelIdentity } from '../engine/models/identity';
import { countHyperAdaptParameters } from '../engine/models/targets';
import type { Library } from './library';
import { linkOrCopy, type Transfer } from './link-or-copy';
import { findModelByIdentity, identitySha256, insertModel } from './models';
import type { ModelRecord } from './records';
import { createStagingFolder } from './staging';

export interface AddModelProgress {
  phase: 'checking' | 'bringing' | 'hashing';
  /** The file being brought in, during 'bringing'. */
  file: string | null;
  bytesDone: number;
  bytesTotal: number;
}

export interface AddModelOptions {
  name?: string;
  onProgress?: (progress: AddModelProgress) => void;
  /** false forces copies even where hard links would work (tests; a library on removable media). */
  allowLinks?: boolean;
}

export interface AddModelResult {
  model: ModelRecord;
  /** false when the library already held this exact model; nothing was copied then. */
  added: boolean;
  /** Entries of the folder that were left out, each with the reason. */
  skipped: string[];
}

// Weight formats the engine does not read: bringing them in would only cost disk.
const UNUSED_WEIGHTS = /\.(bin|pt|pth|ckpt|h5|msgpack|onnx|onnx_data|gguf)$/i;

/** "Qwen/Qwen3-0.6B" for a Hugging Face cache snapshot, else the folder's name. */
export function defaultModelName(folder: string): string {
  const cache = /models--([^/\\]+)--([^/\\]+)[/\\]snapshots[/\\]/.exec(folder + '/');
  return cache ? `${cache[1]}/${cache[2]}` : basename(folder);
}

interface PlannedFile {
  name: string;
  source: string;
  bytes: number;
}

export async function planFiles(folder: string): Promise<{ files: PlannedFile[]; skipped: string[] }> {
  const files: PlannedFile[] = [];
  const skipped: string[] = [];
  for (const entry of (await readdir(folder, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue; // .git, our own graph files, editor droppings
    const source = join(folder, entry.name);
    const info = await stat(source); // follows symlinks: the cache's snapshot files are links
    if (info.isDirectory()) skipped.push(`${entry.name}/ (folders are not part of a Hugging Face model)`);
    else if (!info.isFile()) skipped.push(`${entry.name} (not a regular file)`);
    else if (UNUSED_WEIGHTS.test(entry.name)) skipped.push(`${entry.name} (a weight format the engine does not read)`);
    else files.push({ name: entry.name, source, bytes: info.size });
  }
  return { files, skipped };
}

export function dominantDtype(model: HfModel): string {
  const counts = new Map<string, number>();
  for (const { name } of model.spec.tensors) {
    const dtype = model.weights.tensors.get(name)?.info.dtype;
    if (dtype) counts.set(dtype, (counts.get(dtype) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'unknown';
}

export function parameterCount(model: HfModel): number {
  return model.spec.tensors.reduce((sum, t) => sum + t.shape.reduce((n, d) => n * d, 1), 0);
}

export async function addModel(library: Library, folder: string, options: AddModelOptions = {}): Promise<AddModelResult> {
  const { onProgress, allowLinks = true } = options;
  const source = await realpath(folder);
  onProgress?.({ phase: 'checking', file: null, bytesDone: 0, bytesTotal: 0 });
  await loadHfModel(source); // an unsupported or incomplete model fails here, before any copying

  const { files, skipped } = await planFiles(source);
  const bytesTotal = files.reduce((sum, f) => sum + f.bytes, 0);
  const staging = await createStagingFolder(library.folder('models'));
  try {
    let before = 0;
    const transfers = new Set<Transfer>();
    for (const file of files) {
      const report = (done: number) => onProgress?.({ phase: 'bringing', file: file.name, bytesDone: before + done, bytesTotal });
      transfers.add(await linkOrCopy(file.source, join(staging, file.name), report, allowLinks));
      before += file.bytes;
    }
    onProgress?.({ phase: 'hashing', file: null, bytesDone: bytesTotal, bytesTotal });
    const model = await loadHfModel(staging);
    const identity = await computeModelIdentity(staging, model.config, model.weights);
    const weightFiles = identity.weightFiles.map((f) => ({ file: f.file, bytes: f.bytes, sha256: f.sha256 }));
    const key = identitySha256(identity.architecture, identity.configSha256, weightFiles);
    const final = join(library.folder('models'), key.slice(0, 16));

    // Under the write lock, so two processes adding the same model cannot both claim the folder.
    const result = library.db.transaction((): AddModelResult => {
      const existing = findModelByIdentity(library, key);
      if (existing) return { model: existing, added: false, skipped };
      if (existsSync(final)) rmSync(final, { recursive: true, force: true }); // left by a crash before its row was written
      renameSync(staging, final);
      const record = insertModel(library, {
        name: options.name?.trim() || defaultModelName(folder),
        path: final,
        sourcePath: source,
        architecture: identity.architecture,
        parameterCount: parameterCount(model),
        hyperAdaptParameterCount: countHyperAdaptParameters(model.spec),
        dtype: dominantDtype(model),
        configSha256: identity.configSha256,
        weightFiles,
        sizeBytes: bytesTotal,
        linked: !transfers.has('copied'),
      });
      return { model: record, added: true, skipped };
    }).immediate();
    return result;
  } finally {
    await library.remove(staging).catch(() => undefined); // gone already when renamed into place
  }
}
