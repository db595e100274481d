/**
 * What a drop on the Model or Data step means. Inside Electron a dropped file or folder has a
 * path and is used in place. A browser gives only the bytes of a file, never its path, so a file
 * is uploaded to the web shell and a folder cannot be used at all. Read synchronously in the drop
 * handler: the browser empties the DataTransfer once the event is over.
 */
import { UPLOAD_LIMIT_BYTES, tooLargeMessage } from '../../../main/web/upload-protocol';
import type { DesktopExtras } from './desktop-bridge';

/** The slice of DataTransfer this reads, so it can be tested without a browser. */
export interface DropData {
  readonly files: ArrayLike<File>;
  readonly items: ArrayLike<{ webkitGetAsEntry(): { readonly isDirectory: boolean } | null }>;
}

export type DropWanted = 'file' | 'folder';

export type Dropped =
  /** Use this path exactly as a typed one. */
  | { kind: 'path'; path: string }
  /** Send these bytes to the web shell, then use the path it answers. */
  | { kind: 'upload'; file: File }
  | { kind: 'refused'; message: string };

function parentFolder(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  return trimmed.replace(/[\\/][^\\/]*$/, '') || path.slice(0, 1);
}

export function readDrop(data: DropData | null, wanted: DropWanted, desktop: DesktopExtras | null): Dropped {
  const file = data?.files[0];
  if (!data || !file) return { kind: 'refused', message: `Nothing to use in that drop: drag a ${wanted} from your file manager.` };
  if (data.files.length > 1) return { kind: 'refused', message: `Drop one ${wanted} at a time.` };
  // Only a browser that knows what was dragged can tell a folder from a file; a File alone cannot.
  const isFolder = data.items[0]?.webkitGetAsEntry()?.isDirectory ?? false;
  const path = desktop?.pathForFile(file) ?? null;

  if (wanted === 'folder') {
    if (path === null) {
      return { kind: 'refused', message: 'The browser does not tell the app where a dropped folder is, and folders cannot be uploaded: type the folder’s path above, or use the Browse… button.' };
    }
    // A file dropped from inside the model folder (config.json, say) stands for its folder.
    return { kind: 'path', path: isFolder ? path : parentFolder(path) };
  }
  if (isFolder) {
    return path === null
      ? { kind: 'refused', message: 'Folders cannot be uploaded. Drop a single data file, or type the folder’s path above and use Browse… to pick a file in it.' }
      : { kind: 'refused', message: 'That is a folder: drop a data file (JSONL, JSON, CSV, TSV, text or Parquet).' };
  }
  if (path !== null) return { kind: 'path', path };
  // The desktop app has no web shell to upload to; a File with no path came from another app, not the disk.
  if (desktop !== null) return { kind: 'refused', message: 'That file is not on disk (dragged from another app?): save it to a folder first, then drop it or use the Browse… button.' };
  if (file.size > UPLOAD_LIMIT_BYTES) return { kind: 'refused', message: tooLargeMessage(file.size, UPLOAD_LIMIT_BYTES) };
  return { kind: 'upload', file };
}
