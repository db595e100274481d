/**
 * The native open dialog's request, checked as it arrives over IPC, and the dialog options it
 * turns into. No Electron at run time here, so it is tested without an Electron binary.
 */
import type { OpenDialogOptions } from 'electron';
import { isAbsolute } from 'node:path';
import type { PickPathRequest } from '../preload/bridge';
import { DATA_FILE_EXTENSIONS } from './data/file-type';

const MAX_PATH_CHARS = 4096;

/** The request, or an Error naming what is wrong with it. */
export function readPickPathRequest(value: unknown): PickPathRequest {
  if (typeof value !== 'object' || value === null) throw new Error('pickPath expects { kind: "folder" | "file", near?: string }.');
  const { kind, near } = value as Record<string, unknown>;
  if (kind !== 'folder' && kind !== 'file') throw new Error(`pickPath: kind must be "folder" or "file", got ${JSON.stringify(kind) ?? 'nothing'}.`);
  if (near === undefined) return { kind };
  if (typeof near !== 'string' || near.length > MAX_PATH_CHARS) throw new Error('pickPath: near must be a path of at most 4096 characters.');
  return { kind, near };
}

/** Folders for models; data files by the extensions the readers know, with an escape hatch for odd names. */
export function openDialogOptions(request: PickPathRequest): OpenDialogOptions {
  // A relative or empty "near" means nothing to the dialog; let it open where it last was.
  const defaultPath = request.near !== undefined && isAbsolute(request.near.trim()) ? { defaultPath: request.near.trim() } : {};
  if (request.kind === 'folder') {
    return { title: 'Choose a model folder', buttonLabel: 'Use this folder', properties: ['openDirectory'], ...defaultPath };
  }
  return {
    title: 'Choose a data file',
    buttonLabel: 'Use this file',
    properties: ['openFile'],
    filters: [
      { name: 'Data files', extensions: DATA_FILE_EXTENSIONS.map((extension) => extension.slice(1)) },
      { name: 'All files', extensions: ['*'] },
    ],
    ...defaultPath,
  };
}
