import { describe, expect, it } from 'vitest';
import { UPLOAD_LIMIT_BYTES } from '../../../src/main/web/upload-protocol';
import type { DesktopExtras } from '../../../src/renderer/src/lib/desktop-bridge';
import { readDrop, type DropData } from '../../../src/renderer/src/lib/dropped-file';

/** A drop as a browser hands it over: the files, and per item whether it is a folder (null: unknown). */
function dropOf(entries: { file: File; isDirectory: boolean | null }[]): DropData {
  return {
    files: entries.map((entry) => entry.file),
    items: entries.map((entry) => ({ webkitGetAsEntry: () => (entry.isDirectory === null ? null : { isDirectory: entry.isDirectory }) })),
  };
}

const jsonl = new File(['{"text":"hi"}\n'], 'chats.jsonl');

/** Electron: every dropped File has a path on disk. */
function electron(paths: Map<File, string>): DesktopExtras {
  return { pickPath: async () => null, pathForFile: (file) => paths.get(file) ?? null };
}

describe('a drop in the web shell', () => {
  it('uploads a dropped data file', () => {
    expect(readDrop(dropOf([{ file: jsonl, isDirectory: false }]), 'file', null)).toEqual({ kind: 'upload', file: jsonl });
    // A DataTransfer built by a script has no entries; it is still a file.
    expect(readDrop(dropOf([{ file: jsonl, isDirectory: null }]), 'file', null)).toEqual({ kind: 'upload', file: jsonl });
  });

  it('explains that a folder cannot be uploaded', () => {
    const folder = new File([], 'my-data');
    const dropped = readDrop(dropOf([{ file: folder, isDirectory: true }]), 'file', null);
    expect(dropped).toEqual({ kind: 'refused', message: expect.stringMatching(/^Folders cannot be uploaded\..*type the folder’s path above and use Browse…/) });
  });

  it('refuses a model folder: a browser gives no path and folders cannot be uploaded', () => {
    const dropped = readDrop(dropOf([{ file: new File([], 'qwen'), isDirectory: true }]), 'folder', null);
    expect(dropped.kind).toBe('refused');
    if (dropped.kind === 'refused') expect(dropped.message).toMatch(/type the folder’s path above, or use the Browse… button/);
  });

  it('refuses a file over the upload limit before sending it', () => {
    const big = new File([], 'big.jsonl');
    Object.defineProperty(big, 'size', { value: UPLOAD_LIMIT_BYTES + 1 });
    const dropped = readDrop(dropOf([{ file: big, isDirectory: false }]), 'file', null);
    expect(dropped.kind).toBe('refused');
    if (dropped.kind === 'refused') expect(dropped.message).toMatch(/over the 2 GB limit for uploads\. Type its path/);
  });

  it('asks for one file at a time, and for a file when the drop holds none', () => {
    const two = dropOf([
      { file: jsonl, isDirectory: false },
      { file: new File(['a'], 'b.csv'), isDirectory: false },
    ]);
    expect(readDrop(two, 'file', null)).toEqual({ kind: 'refused', message: 'Drop one file at a time.' });
    expect(readDrop(dropOf([]), 'file', null)).toEqual({ kind: 'refused', message: 'Nothing to use in that drop: drag a file from your file manager.' });
    expect(readDrop(null, 'folder', null)).toEqual({ kind: 'refused', message: 'Nothing to use in that drop: drag a folder from your file manager.' });
  });
});

describe('a drop in Electron', () => {
  it('uses a dropped file where it lies, uploading nothing', () => {
    const desktop = electron(new Map([[jsonl, '/home/me/data/chats.jsonl']]));
    expect(readDrop(dropOf([{ file: jsonl, isDirectory: false }]), 'file', desktop)).toEqual({ kind: 'path', path: '/home/me/data/chats.jsonl' });
  });

  it('uses a dropped model folder, or the folder of a file dropped from inside it', () => {
    const folder = new File([], 'qwen');
    const config = new File(['{}'], 'config.json');
    const desktop = electron(
      new Map([
        [folder, '/home/me/models/qwen'],
        [config, '/home/me/models/qwen/config.json'],
      ]),
    );
    expect(readDrop(dropOf([{ file: folder, isDirectory: true }]), 'folder', desktop)).toEqual({ kind: 'path', path: '/home/me/models/qwen' });
    expect(readDrop(dropOf([{ file: config, isDirectory: false }]), 'folder', desktop)).toEqual({ kind: 'path', path: '/home/me/models/qwen' });
  });

  it('finds the folder of a Windows path too', () => {
    const config = new File(['{}'], 'config.json');
    const desktop = electron(new Map([[config, 'C:\\models\\qwen\\config.json']]));
    expect(readDrop(dropOf([{ file: config, isDirectory: false }]), 'folder', desktop)).toEqual({ kind: 'path', path: 'C:\\models\\qwen' });
  });

  it('refuses a folder dropped where a data file is wanted', () => {
    const folder = new File([], 'data');
    const desktop = electron(new Map([[folder, '/home/me/data']]));
    expect(readDrop(dropOf([{ file: folder, isDirectory: true }]), 'file', desktop)).toEqual({ kind: 'refused', message: 'That is a folder: drop a data file (JSONL, JSON, CSV, TSV, text or Parquet).' });
  });

  it('refuses a file that is not on disk, since there is nothing to upload to', () => {
    const dropped = readDrop(dropOf([{ file: jsonl, isDirectory: null }]), 'file', electron(new Map()));
    expect(dropped).toEqual({ kind: 'refused', message: expect.stringMatching(/^That file is not on disk.*save it to a folder first/) });
  });
});
