import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256File } from '../../../src/main/fs/hash';
import { addDataset } from '../../../src/main/store/dataset-import';
import { deleteDataset, getDataset, listDatasets } from '../../../src/main/store/datasets';
import { scratchLibrary, tinyDataFile } from './helpers/fixtures';

describe('addDataset', () => {
  it('copies the file into the library under its content hash and records what it holds', async () => {
    const library = await scratchLibrary();
    const file = await tinyDataFile(12);
    await writeFile(file, (await readFile(file, 'utf8')) + 'not json\n{"text": "unknown shape"}\n');
    const { dataset, added } = await addDataset(library, file);
    const sha = await sha256File(file);
    expect(added).toBe(true);
    expect(dataset).toMatchObject({ name: 'rows.jsonl', contentSha256: sha, format: 'jsonl:pre-tokenized', rows: 14, sourcePath: file });
    expect(dataset.report).toEqual({ shapes: { 'pre-tokenized': 12 }, notJson: { count: 1, lines: [13] }, unknownShape: { count: 1, lines: [14] } });
    expect(dataset.path).toBe(join(library.folder('datasets'), sha.slice(0, 16), 'rows.jsonl'));
    // A copy, not a link: editing the original later must not change what runs trained on.
    expect((await stat(dataset.path)).ino).not.toBe((await stat(file)).ino);
    expect(await sha256File(dataset.path)).toBe(sha);
    expect(getDataset(library, dataset.id)).toEqual(dataset);
  });

  it('adds the same content once, whatever the file is called', async () => {
    const library = await scratchLibrary();
    const file = await tinyDataFile(5);
    const first = await addDataset(library, file, { name: 'five rows' });
    const other = join(dirname(file), 'renamed.jsonl');
    await writeFile(other, await readFile(file));
    const second = await addDataset(library, other);
    expect(second).toMatchObject({ added: false, dataset: { id: first.dataset.id, name: 'five rows' } });
    expect(listDatasets(library)).toHaveLength(1);
  });

  it('deletes the row and the library copy, never the original', async () => {
    const library = await scratchLibrary();
    const file = await tinyDataFile(3);
    const { dataset } = await addDataset(library, file);
    await deleteDataset(library, dataset.id);
    expect(listDatasets(library)).toEqual([]);
    expect(await readdir(library.folder('datasets'))).toEqual([]);
    expect((await stat(file)).isFile()).toBe(true);
  });
});
