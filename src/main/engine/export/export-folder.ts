/**
 * An export folder that appears complete or not at all. Files go into a hidden temp folder beside
 * the target (same file system, so the final rename is atomic); `commit` renames it onto the
 * target and fsyncs the parent, `abort` deletes it. A crash leaves only the hidden
 * `.<name>.partial-*` folder, which nothing takes for an export.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { syncDirectory } from '../../fs/atomic-write';
import { pathExists } from '../../fs/exists';

export class ExportFolder {
  #state: 'open' | 'committed' | 'aborted' = 'open';

  private constructor(
    /** Where the export appears on commit. */
    readonly target: string,
    /** Where its files are written meanwhile. */
    readonly temp: string,
  ) {}

  /** Refuses an existing target: an export never overwrites what is there. */
  static async create(target: string): Promise<ExportFolder> {
    const path = resolve(target);
    if (await pathExists(path)) throw new Error(`${path} already exists: choose a new path for the export (nothing is overwritten)`);
    await mkdir(dirname(path), { recursive: true });
    const temp = join(dirname(path), `.${basename(path)}.partial-${randomBytes(6).toString('hex')}`);
    await mkdir(temp);
    return new ExportFolder(path, temp);
  }

  /** A path inside the temp folder. */
  file(name: string): string {
    return join(this.temp, name);
  }

  async commit(): Promise<void> {
    if (this.#state !== 'open') throw new Error(`export to ${this.target}: cannot commit, the folder is already ${this.#state}`);
    if (await pathExists(this.target)) throw new Error(`${this.target} appeared while exporting: the export is left unpublished`);
    await rename(this.temp, this.target);
    this.#state = 'committed';
    await syncDirectory(dirname(this.target));
  }

  /** Deletes the temp folder; safe after a failure or twice. */
  async abort(): Promise<void> {
    if (this.#state !== 'open') return;
    this.#state = 'aborted';
    await rm(this.temp, { recursive: true, force: true });
  }
}

/** Runs `write` into a new export folder and publishes it, or removes everything on any error. */
export async function withExportFolder<T>(target: string, write: (folder: ExportFolder) => Promise<T>): Promise<T> {
  const folder = await ExportFolder.create(target);
  try {
    const result = await write(folder);
    await folder.commit();
    return result;
  } catch (error) {
    await folder.abort();
    throw error;
  }
}
