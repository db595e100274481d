/**
 * The folder browser behind folders.list. It lists directories only and refuses the kernel's
 * pseudo file systems (/dev, /proc, /sys): reading there can block or has side effects, and no
 * model lives there.
 */
import { existsSync } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import os from 'node:os';
import { dirname, extname, isAbsolute, join, sep } from 'node:path';
import { DATA_FILE_EXTENSIONS } from '../data/file-type';
import { MissingPathError, UserInputError } from '../request-errors';
import type { FileEntry, FolderEntry, FolderListing } from './wizard-contract';

/** Enough for any real folder of models; a bigger listing is cut, and says so. */
export const MAX_FOLDERS = 1000;

const PSEUDO_ROOTS = process.platform === 'win32' ? [] : ['/dev', '/proc', '/sys'];

function isPseudo(path: string): boolean {
  return PSEUDO_ROOTS.some((root) => path === root || path.startsWith(root + sep));
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error ? String(error.code) : undefined;
}

export async function listFolders(requested: string | undefined, dataFiles = false): Promise<FolderListing> {
  const given = requested ?? os.homedir();
  if (!isAbsolute(given)) throw new UserInputError('path', `"${given}" is not an absolute path: start it with ${process.platform === 'win32' ? 'a drive letter' : '/'}.`);
  let path: string;
  try {
    path = await realpath(given);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') throw new MissingPathError(given, 'folder');
    throw new Error(`Cannot open ${given}: ${errorCode(error) ?? String(error)}.`);
  }
  if (isPseudo(path)) throw new UserInputError('path', `${path} holds devices and kernel files, not models; choose another folder.`);
  if (!(await stat(path)).isDirectory()) throw new UserInputError('path', `${path} is a file, not a folder.`);

  let names: string[];
  try {
    names = await readdir(path);
  } catch (error) {
    if (errorCode(error) === 'EACCES') throw new UserInputError('path', `You do not have permission to open ${path}.`);
    throw new Error(`Cannot list ${path}: ${errorCode(error) ?? String(error)}.`);
  }
  const folders: FolderEntry[] = [];
  const files: FileEntry[] = [];
  for (const name of names) {
    const child = join(path, name);
    if (isPseudo(child)) continue;
    // stat follows links: a link to a folder is offered (Hugging Face's cache is made of them), a broken one is not.
    const info = await stat(child).catch(() => null);
    if (info?.isDirectory()) folders.push({ name, path: child, looksLikeModel: existsSync(join(child, 'config.json')) });
    // Regular files only: a device or a FIFO named .jsonl would block the reader.
    else if (dataFiles && info?.isFile() && DATA_FILE_EXTENSIONS.includes(extname(name).toLowerCase())) files.push({ name, path: child, bytes: info.size });
  }
  const byName = (a: { name: string }, b: { name: string }) => Number(a.name.startsWith('.')) - Number(b.name.startsWith('.')) || a.name.localeCompare(b.name);
  folders.sort(byName);
  files.sort(byName);
  const parent = dirname(path);
  return {
    path,
    parent: parent === path ? null : parent,
    looksLikeModel: existsSync(join(path, 'config.json')),
    folders: folders.slice(0, MAX_FOLDERS),
    files: files.slice(0, MAX_FOLDERS),
    truncated: folders.length > MAX_FOLDERS || files.length > MAX_FOLDERS,
  };
}
