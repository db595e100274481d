import { describe, expect, it } from 'vitest';
import { openDialogOptions, readPickPathRequest } from '../../src/main/pick-path-options';

describe('the native dialog request', () => {
  it('accepts a kind, with or without a starting path', () => {
    expect(readPickPathRequest({ kind: 'folder' })).toEqual({ kind: 'folder' });
    expect(readPickPathRequest({ kind: 'file', near: '/data' })).toEqual({ kind: 'file', near: '/data' });
  });

  it('refuses anything else from the page', () => {
    expect(() => readPickPathRequest(null)).toThrow(/expects \{ kind/);
    expect(() => readPickPathRequest('folder')).toThrow(/expects \{ kind/);
    expect(() => readPickPathRequest({ kind: 'save' })).toThrow(/kind must be "folder" or "file", got "save"/);
    expect(() => readPickPathRequest({})).toThrow(/got nothing/);
    expect(() => readPickPathRequest({ kind: 'file', near: 7 })).toThrow(/near must be a path/);
    expect(() => readPickPathRequest({ kind: 'file', near: 'x'.repeat(5000) })).toThrow(/at most 4096/);
  });

  it('opens a folder dialog for a model', () => {
    expect(openDialogOptions({ kind: 'folder', near: '/models' })).toMatchObject({ properties: ['openDirectory'], defaultPath: '/models' });
  });

  it('filters the file dialog by the data types the readers know, with an "All files" fallback', () => {
    const options = openDialogOptions({ kind: 'file' });
    expect(options.properties).toEqual(['openFile']);
    const [data, all] = options.filters ?? [];
    expect(data?.extensions).toEqual(expect.arrayContaining(['jsonl', 'json', 'csv', 'tsv', 'txt', 'parquet']));
    expect(data?.extensions.every((extension) => !extension.startsWith('.'))).toBe(true);
    expect(all?.extensions).toEqual(['*']);
    expect(options.defaultPath).toBeUndefined();
  });

  it('ignores a relative starting path', () => {
    expect(openDialogOptions({ kind: 'file', near: 'data/x.jsonl' }).defaultPath).toBeUndefined();
  });
});
