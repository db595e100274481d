/**
 * An export's file is the library's to delete only when it was written inside the data folder
 * (stored as a relative path). One the user saved elsewhere is theirs and stays.
 */
import { isAbsolute } from 'node:path';
import type { Library } from './library';

export async function removeExportFiles(library: Library, storedPaths: readonly string[]): Promise<void> {
  for (const stored of storedPaths) if (!isAbsolute(stored)) await library.remove(library.resolve(stored));
}
