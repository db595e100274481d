/**
 * Atomic file writes: a reader sees the old file or the complete new one, never a torn mix,
 * even if the process or the machine dies mid-write.
 *
 * The recipe: write a temp file in the SAME directory (rename is only atomic within one file
 * system), fsync it (so the data is on disk before the name points at it), rename it over the
 * target, then fsync the directory (so the rename itself survives a power cut).
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A file being written; invisible under its final name until `commit()`. */
export interface AtomicFile {
  /** Final path; it appears, complete, on commit. */
  readonly path: string;
  /** Where the bytes go meanwhile (same directory, hidden name). */
  readonly tempPath: string;
  /** Bytes written so far. */
  readonly bytesWritten: number;
  /** Appends bytes. */
  write(chunk: ArrayBufferView | string): Promise<void>;
  /** fsync, rename over `path`, fsync the directory. */
  commit(): Promise<void>;
  /** Closes and deletes the temp file; `path` is untouched. Safe to call after a failure or twice. */
  abort(): Promise<void>;
}

/** Starts an atomic write to `path`, for callers that stream many chunks without holding them all. */
export async function openAtomicFile(path: string): Promise<AtomicFile> {
  const tempPath = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  // 'wx': never clobber a file that is not ours, however unlikely the name collision.
  const handle = await open(tempPath, 'wx');
  return new AtomicFileWriter(path, tempPath, handle);
}

/** Writes `data` to `path` atomically. */
export async function writeFileAtomic(path: string, data: ArrayBufferView | string): Promise<void> {
  const file = await openAtomicFile(path);
  try {
    await file.write(data);
    await file.commit();
  } catch (error) {
    await file.abort();
    throw error;
  }
}

class AtomicFileWriter implements AtomicFile {
  #state: 'open' | 'committed' | 'aborted' = 'open';
  #bytesWritten = 0;

  constructor(
    readonly path: string,
    readonly tempPath: string,
    private readonly handle: FileHandle,
  ) {}

  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  async write(chunk: ArrayBufferView | string): Promise<void> {
    this.#expectOpen('write');
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    // FileHandle.write may write fewer bytes than asked (large buffers, signals): loop until done.
    let done = 0;
    while (done < bytes.byteLength) {
      const { bytesWritten } = await this.handle.write(bytes, done, bytes.byteLength - done, this.#bytesWritten + done);
      done += bytesWritten;
    }
    this.#bytesWritten += done;
  }

  async commit(): Promise<void> {
    this.#expectOpen('commit');
    try {
      await this.handle.sync();
      await this.handle.close();
      await rename(this.tempPath, this.path);
    } catch (error) {
      await this.abort();
      throw error;
    }
    this.#state = 'committed';
    await syncDirectory(dirname(this.path));
  }

  async abort(): Promise<void> {
    if (this.#state !== 'open') return;
    this.#state = 'aborted';
    await this.handle.close().catch(() => undefined); // may already be closed by a failed commit
    await unlink(this.tempPath).catch(() => undefined); // may already be renamed or gone
  }

  #expectOpen(operation: string): void {
    if (this.#state !== 'open') {
      throw new Error(`atomic write of ${this.path}: cannot ${operation}, the file is already ${this.#state}`);
    }
  }
}

/** Makes a rename in `directory` durable. Windows cannot open a directory for fsync; there NTFS journals the rename. */
export async function syncDirectory(directory: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
