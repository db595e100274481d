/**
 * The web shell's upload, as both ends see it: where to send a file, how its name travels, how
 * big it may be and what comes back. No runtime imports, so the renderer can share it; a browser
 * refuses a file over the limit before sending a byte. Bigger files are better read in place:
 * type their path, and the web shell reads them where they are.
 */
import type { CallResult } from '../api/contract';

/** POST the file's bytes as the body, its name in the ?name= query parameter. */
export const UPLOAD_PATH = '/api/upload';
export const UPLOAD_NAME_PARAM = 'name';

export interface UploadedFile {
  /** Where the copy lies on the machine running the web shell: <data dir>/incoming/<random>/<name>. */
  path: string;
  bytes: number;
}

export type UploadReply = CallResult<UploadedFile>;

export const UPLOAD_LIMIT_BYTES = 2 * 1024 ** 3;

/** "2 GB": the limit as the error messages on both sides write it. */
export function describeLimit(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${+(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${+(bytes / 1024 ** 2).toFixed(1)} MB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}

export function tooLargeMessage(bytes: number | null, limit: number): string {
  const size = bytes === null ? 'This file is' : `This file is ${describeLimit(bytes)},`;
  return `${size} over the ${describeLimit(limit)} limit for uploads. Type its path on the machine running HyperAdapt instead (copy it there first if it is elsewhere): a typed path is read in place.`;
}
