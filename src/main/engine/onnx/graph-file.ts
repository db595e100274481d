/**
 * Graph files beside a model's weights. Graphs whose weights are external data must sit beside
 * the .safetensors files they point into (onnxruntime resolves external data relative to the
 * .onnx and refuses paths leading out of its folder), so they are written into the model folder:
 * atomically, under a name that hashes the bytes, so equal graphs share a file and a changed
 * graph gets a new one. A model folder that cannot be written (a read-only shared models
 * directory) gets a mirror folder in the user's cache instead, whose hard links are its weight
 * files, so the graphs still find them by relative name.
 */
import { createHash } from 'node:crypto';
import { link, mkdir, readdir, realpath } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../fs/atomic-write';
import { pathExists } from '../../fs/exists';

/** `.hyperadapt-<label>-<first 16 hex digits of sha256(bytes)>.onnx` */
export function graphFileName(label: string, bytes: Uint8Array): string {
  return `.hyperadapt-${label}-${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}.onnx`;
}

/** Errors that mean "this folder is not ours to write", as opposed to a full disk or a bug. */
const NOT_WRITABLE = new Set(['EACCES', 'EPERM', 'EROFS']);

export interface GraphFileOptions {
  /** Where mirrors of read-only model folders go; default graphCacheDirectory(). */
  cacheDirectory?: string;
  /** The atomic writer; tests stand in a failing one for a read-only folder (root can write anywhere). */
  write?: (path: string, bytes: Uint8Array) => Promise<void>;
}

/**
 * Writes `bytes` as `fileName` beside the weights of the model in `dir`, unless that file exists
 * (the name hashes the bytes); returns the path to load.
 */
export async function writeGraphFile(dir: string, fileName: string, bytes: Uint8Array, options: GraphFileOptions = {}): Promise<string> {
  const write = options.write ?? writeFileAtomic;
  try {
    return await writeOnce(dir, fileName, bytes, write);
  } catch (error) {
    if (!NOT_WRITABLE.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    const mirror = await mirrorModelFolder(dir, options.cacheDirectory ?? graphCacheDirectory());
    return writeOnce(mirror, fileName, bytes, writeFileAtomic);
  }
}

async function writeOnce(dir: string, fileName: string, bytes: Uint8Array, write: (path: string, bytes: Uint8Array) => Promise<void>): Promise<string> {
  const path = join(dir, fileName);
  if (!(await pathExists(path))) await write(path, bytes);
  return path;
}

/** The platform's cache folder for HyperAdapt's graph mirrors. */
export function graphCacheDirectory(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = os.homedir();
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Caches', 'HyperAdapt Studio', 'graphs');
    case 'win32':
      return join(env['LOCALAPPDATA'] ?? join(home, 'AppData', 'Local'), 'HyperAdapt Studio', 'graphs');
    default:
      return join(env['XDG_CACHE_HOME'] || join(home, '.cache'), 'hyperadapt-studio', 'graphs');
  }
}

/**
 * A folder of the cache, one per model folder (by its real path), holding a hard link to each of
 * its .safetensors files. Hard, not symbolic: onnxruntime refuses external data whose real path
 * leaves the graph's folder. A hard link needs the same volume; across volumes the error says
 * what to do instead. Returns the folder.
 */
export async function mirrorModelFolder(dir: string, cacheDirectory: string): Promise<string> {
  const real = await realpath(dir);
  const mirror = join(cacheDirectory, createHash('sha256').update(real).digest('hex').slice(0, 16));
  await mkdir(mirror, { recursive: true });
  const present = new Set(await readdir(mirror));
  for (const name of await readdir(real)) {
    if (!name.endsWith('.safetensors') || present.has(name)) continue;
    try {
      // The weights' real files: a Hugging Face cache folder holds symbolic links into blobs/.
      await link(await realpath(join(real, name)), join(mirror, name));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue; // another process made it first
      throw new Error(
        `${dir} cannot be written, so the training and generation graphs cannot sit beside its weights, and the weights cannot be linked from ${mirror} (${code ?? (error as Error).message}): ` +
          'add the model to the library (which brings its files into the data folder), or copy it to a folder you can write.',
      );
    }
  }
  return mirror;
}
