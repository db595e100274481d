/**
 * Uploads for the web shell. A browser that drops a file gives its bytes, never its path, so the
 * bytes come here and land in <data dir>/incoming/<random>/<name>; the Data step then checks that
 * path exactly as a typed one. The body streams to disk (never held whole), is written atomically
 * (temp file, fsync, rename) and is capped in size. The server runs the same Host, Origin and
 * token checks as for the API before a request reaches this module.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { extname, join } from 'node:path';
import { DATA_FILE_EXTENSIONS } from '../data/file-type';
import { openAtomicFile, type AtomicFile } from '../fs/atomic-write';
import { UPLOAD_NAME_PARAM, tooLargeMessage, type UploadReply } from './upload-protocol';

/** Under the data directory; each upload gets a random folder of its own, so names never collide. */
export const INCOMING_FOLDER = 'incoming';
/** Uploads not added within a day are dropped at the next start (an added dataset is a copy in the library). */
export const INCOMING_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export interface UploadOptions {
  dataDirectory: string;
  limitBytes: number;
}

export interface UploadResponse {
  status: number;
  body: UploadReply;
}

// Device names Windows reserves whatever the extension ("nul.jsonl" is the null device there).
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i;

/** Why a file name cannot be used as given, or null when it can. */
export function uploadNameProblem(name: string): string | null {
  const shown = JSON.stringify(name);
  if (name === '') return 'The upload has no file name: send it as ?name=<file name>.';
  if (/[/\\]/.test(name)) return `Refused the file name ${shown}: it must be a name, not a path.`;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(name)) return `Refused the file name ${shown}: it contains control characters.`;
  if (/[<>:"|?*]/.test(name)) return `Refused the file name ${shown}: it contains one of < > : " | ? *, which some systems forbid.`;
  if (name.startsWith('.')) return `Refused the file name ${shown}: it starts with a dot; rename the file.`;
  if (/[. ]$/.test(name) || name.trim() !== name) return `Refused the file name ${shown}: it starts or ends with a space or ends with a dot; rename the file.`;
  if (Buffer.byteLength(name) > 255) return `Refused the file name: it is longer than 255 bytes; rename the file.`;
  if (WINDOWS_DEVICE.test(name)) return `Refused the file name ${shown}: it is a device name on Windows; rename the file.`;
  if (!DATA_FILE_EXTENSIONS.includes(extname(name).toLowerCase())) {
    return `Refused ${shown}: only data files can be uploaded (${DATA_FILE_EXTENSIONS.join(', ')}).`;
  }
  return null;
}

export function incomingDirectory(dataDirectory: string): string {
  return join(dataDirectory, INCOMING_FOLDER);
}

function refused(status: number, message: string): UploadResponse {
  return { status, body: { ok: false, error: { code: status >= 500 ? 'internal' : 'invalid_input', message } } };
}

/** The Content-Length, null when the body is chunked, NaN when the header is garbage. */
function declaredLength(request: IncomingMessage): number | null {
  const header = request.headers['content-length'];
  if (header === undefined) return null;
  return /^\d+$/.test(header) ? Number(header) : Number.NaN;
}

/**
 * Copies the body into `file`; returns the bytes received. Past the limit it stops writing and
 * deletes the partial copy, but reads on to the end so the client still gets the 413 reply (a
 * browser declares Content-Length and is refused before this; only chunked bodies get here).
 */
async function copyBody(request: IncomingMessage, file: AtomicFile, limitBytes: number): Promise<number> {
  let received = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > limitBytes) await file.abort();
    else await file.write(chunk);
  }
  return received;
}

/** Receives one upload; never throws (a failure is a reply), and leaves nothing behind when it fails. */
export async function receiveUpload(request: IncomingMessage, url: URL, options: UploadOptions): Promise<UploadResponse> {
  if (request.method !== 'POST') return refused(405, 'Uploads are POST requests with the file as the body.');
  const name = url.searchParams.get(UPLOAD_NAME_PARAM) ?? '';
  const problem = uploadNameProblem(name);
  if (problem) return refused(400, problem);
  const declared = declaredLength(request);
  if (Number.isNaN(declared)) return refused(400, 'The Content-Length header is not a number.');
  if (declared !== null && declared > options.limitBytes) return refused(413, tooLargeMessage(declared, options.limitBytes));

  const folder = join(incomingDirectory(options.dataDirectory), randomBytes(12).toString('hex'));
  const path = join(folder, name);
  let file: AtomicFile | null = null;
  try {
    await mkdir(folder, { recursive: true });
    file = await openAtomicFile(path);
    const received = await copyBody(request, file, options.limitBytes);
    if (received > options.limitBytes) {
      await rm(folder, { recursive: true, force: true });
      return refused(413, tooLargeMessage(null, options.limitBytes));
    }
    if (declared !== null && received !== declared) throw new IncompleteUpload();
    await file.commit();
    return { status: 200, body: { ok: true, result: { path, bytes: received } } };
  } catch (error) {
    await file?.abort();
    await rm(folder, { recursive: true, force: true });
    if (error instanceof IncompleteUpload || request.aborted || request.destroyed) {
      return refused(400, 'The upload stopped before the whole file arrived; drop the file again.');
    }
    const reason = error instanceof Error ? error.message : String(error);
    return refused(500, `Could not save the upload in ${incomingDirectory(options.dataDirectory)}: ${reason}`);
  }
}

class IncompleteUpload extends Error {
  override name = 'IncompleteUpload';
}

/**
 * Removes upload folders older than `maxAgeMs` (by their modification time, set when the file
 * landed). Returns how many went. A folder that cannot be read or removed is left for next time.
 */
export async function cleanIncoming(dataDirectory: string, maxAgeMs = INCOMING_MAX_AGE_MS, now = Date.now()): Promise<number> {
  const root = incomingDirectory(dataDirectory);
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  let removed = 0;
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const folder = join(root, entry.name);
    const info = await stat(folder).catch(() => null);
    if (info === null || now - info.mtimeMs <= maxAgeMs) continue;
    try {
      await rm(folder, { recursive: true, force: true });
      removed++;
    } catch {
      // In use or not ours to delete: try again at the next start.
    }
  }
  return removed;
}
