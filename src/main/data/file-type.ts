/**
 * Which reader a file needs: from its extension, checked against its first bytes where the two
 * can disagree (a ".json" file that is really JSON Lines is common), and from the bytes alone
 * when the extension says nothing.
 */
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { DatasetFileError } from './errors';

export const FILE_TYPES = ['jsonl', 'json', 'csv', 'tsv', 'txt', 'parquet'] as const;
export type FileType = (typeof FILE_TYPES)[number];

const BY_EXTENSION: Readonly<Record<string, FileType>> = {
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.jsonlines': 'jsonl',
  '.json': 'json',
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.txt': 'txt',
  '.text': 'txt',
  '.md': 'txt',
  '.parquet': 'parquet',
  '.pq': 'parquet',
};

/** Extensions the readers recognise, for file pickers. */
export const DATA_FILE_EXTENSIONS: readonly string[] = Object.keys(BY_EXTENSION);

export interface FileTypeGuess {
  type: FileType;
  /** Why, in words, for the report. */
  evidence: string;
}

const SNIFF_BYTES = 64 * 1024;

async function head(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(SNIFF_BYTES), 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** True when the text starts with a complete JSON object on its first line and the next line starts another. */
function looksLikeJsonLines(text: string): boolean {
  const body = text.replace(/^\uFEFF/, '').trimStart();
  const newline = body.indexOf('\n');
  if (!body.startsWith('{') || newline === -1) return false;
  try {
    JSON.parse(body.slice(0, newline));
  } catch {
    return false;
  }
  return body.slice(newline + 1).trimStart().startsWith('{');
}

export async function detectFileType(path: string): Promise<FileTypeGuess> {
  const bytes = await head(path);
  const extension = extname(path).toLowerCase();
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) throw new DatasetFileError(path, 'the file is gzip-compressed', 'decompress it first (gunzip)');
  if (bytes.subarray(0, 4).toString('latin1') === 'PAR1') return { type: 'parquet', evidence: `Parquet (the file starts with "PAR1"${extension === '.parquet' ? '' : `, whatever its ${extension || 'missing'} extension`})` };
  const known = BY_EXTENSION[extension];
  if (known === 'parquet') throw new DatasetFileError(path, 'the file is named .parquet but does not start with the Parquet magic "PAR1"', 'is it another format, or damaged?');
  const text = bytes.toString('utf8');
  if (known === 'json' && looksLikeJsonLines(text)) return { type: 'jsonl', evidence: `JSON Lines (named ${extension}, but it holds one JSON object per line)` };
  if (known) return { type: known, evidence: `${known.toUpperCase()} (from the ${extension} extension)` };
  const first = text.replace(/^\uFEFF/, '').trimStart()[0];
  if (first === '[') return { type: 'json', evidence: 'JSON (no known extension; the file starts with "[")' };
  if (first === '{') return looksLikeJsonLines(text) || !text.includes('\n') ? { type: 'jsonl', evidence: 'JSON Lines (no known extension; one JSON object per line)' } : { type: 'json', evidence: 'JSON (no known extension; the file starts with "{")' };
  throw new DatasetFileError(
    path,
    `cannot tell what kind of data file this is from its ${extension ? `"${extension}"` : 'missing'} extension or its first bytes`,
    `name it .jsonl, .json, .csv, .tsv, .txt or .parquet`,
  );
}
