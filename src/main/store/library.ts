/**
 * The library: one data folder holding the database and a folder per kind of thing.
 *
 *   <data>/library.db           the SQLite database (WAL: library.db-wal and -shm beside it)
 *   <data>/models/<identity>/   each model in its own folder, hard-linked or copied in, so the
 *                               graphs the engine writes beside the weights never touch the
 *                               user's folder (onnxruntime wants them in the same directory)
 *   <data>/datasets/<sha256>/   each imported data file, addressed by its content hash
 *   <data>/runs/<id>/           a run's checkpoints, log and adapter as trained
 *   <data>/adapters/<uuid>/     adapters, which outlive the run that made them
 *
 * Paths are stored relative to the data folder, so it can be moved as a whole.
 */
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { openDatabase, type Database } from './database';

export const DATABASE_FILE = 'library.db';
export type LibraryFolder = 'models' | 'datasets' | 'runs' | 'adapters';

export class Library {
  private constructor(
    readonly dataDirectory: string,
    readonly db: Database,
  ) {}

  /** Opens (creating if needed) the library in `dataDirectory`. Most callers want openLibrary(), which also recovers runs. */
  static open(dataDirectory: string): Library {
    mkdirSync(dataDirectory, { recursive: true });
    return new Library(dataDirectory, openDatabase(join(dataDirectory, DATABASE_FILE)));
  }

  folder(kind: LibraryFolder): string {
    return join(this.dataDirectory, kind);
  }

  /** A stored path as an absolute one. */
  resolve(stored: string): string {
    return isAbsolute(stored) ? stored : join(this.dataDirectory, stored);
  }

  /** An absolute path as stored: relative when inside the data folder, else unchanged. */
  store(path: string): string {
    const inside = relative(this.dataDirectory, path);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return path;
    return inside.split(sep).join('/');
  }

  /**
   * Deletes a file or folder of the library. Anything outside the data folder (the user's own
   * files, an export written elsewhere) is refused: the library never deletes what it did not make.
   */
  async remove(path: string): Promise<void> {
    const inside = relative(this.dataDirectory, path);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
      throw new Error(`Refusing to delete ${path}: it is not inside the library folder ${this.dataDirectory}.`);
    }
    await rm(path, { recursive: true, force: true });
  }

  close(): void {
    this.db.close();
  }
}
