/**
 * Brings one file into the library: a hard link when the file system allows it (instant, no
 * extra space), else a streamed copy with progress. The source is only ever read.
 *
 * Symbolic links are resolved first: the Hugging Face cache keeps snapshot files as links into
 * blobs/, and a hard link made of a symlink would be a link to the link, not to the weights.
 * A hard-linked file is the user's file under a second name, so nothing in the library may
 * write into it; the engine only adds files beside it.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { link, open, realpath, stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export type Transfer = 'linked' | 'copied';

/** Bytes of this file brought in so far, of its total. */
export type FileProgress = (bytesDone: number, bytesTotal: number) => void;

// Errors that mean "this file system or this pair of folders cannot share an inode".
const CANNOT_LINK = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'EACCES', 'ENOSYS']);

export async function linkOrCopy(source: string, target: string, onProgress?: FileProgress, allowLink = true): Promise<Transfer> {
  const real = await realpath(source);
  const { size } = await stat(real);
  if (allowLink) {
    try {
      await link(real, target);
      onProgress?.(size, size);
      return 'linked';
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (!CANNOT_LINK.has(code)) throw error;
    }
  }
  let done = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      done += chunk.length;
      onProgress?.(done, size);
      callback(null, chunk);
    },
  });
  // 'wx': the target is new in a staging folder; never overwrite anything.
  await pipeline(createReadStream(real), counter, createWriteStream(target, { flags: 'wx' }));
  // On disk before the staging folder is renamed into place and recorded.
  const handle = await open(target, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  return 'copied';
}
