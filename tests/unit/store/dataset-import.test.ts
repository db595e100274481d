import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256File } from '../../../src/main/fs/hash';
import { addDataset } from '../../../src/main/store/dataset-import';
import { deleteDataset, getDataset, listDatasets } from '../../../src/main/store/datasets';
import { scratchLibrary, tinyDataFile } from './helpers/fixtures';

describe('addDataset', () => {
  it("copies the file into the library under its content hash and records the data layer's report on it", async () => {
    const library = await scratchLibrary();
    const file = await tinyDataFile(12);
    await writeFile(file, (await readFile(file, 'utf8')) + 'not json\n{"text": "another format"}\n');
    const { dataset, added } = await addDataset(library, file);
    const sha = await sha256File(file);
    expect(added).toBe(true);
    expect(dataset).toMatchObject({ name: 'rows.jsonl', contentSha256: sha, format: 'jsonl:pretokenized', rows: 14, sourcePath: file, readOptions: {} });
    expect(dataset.tokenStats).toMatchObject({ max: 4, truncatedRows: 0 });
    // The report is stored whole and names the user's file and the lines to fix there.
    expect(dataset.report).toMatchObject({ train: { file, rows: { total: 14, valid: 12, invalid: 2 }, issues: [{ line: 13, code: 'invalid-json' }, { line: 14, code: 'wrong-format' }] } });
    expect(dataset.path).toBe(join(library.folder('datasets'), sha.slice(0, 16), 'rows.jsonl'));
    // A copy, not a link: editing the original later must not change what runs trained on.
    expect((await stat(dataset.path)).ino).not.toBe((await stat(file)).ino);
    expect(await sha256File(dataset.path)).toBe(sha);
    expect(getDataset(library, dataset.id)).toEqual(dataset);
  });

  it('records how the file is read, and reads it so', async () => {
    const library = await scratchLibrary();
    const file = join(dirname(await tinyDataFile(1)), 'qa.jsonl');
    await writeFile(file, ['{"question": "2+2?", "answer": "4"}', '{"question": "3+3?", "answer": "6"}'].join('\n') + '\n');
    const { dataset } = await addDataset(library, file, { readOptions: { columns: { prompt: 'question', completion: 'answer' } } });
    expect(dataset).toMatchObject({ format: 'jsonl:prompt-completion', rows: 2, readOptions: { columns: { prompt: 'question', completion: 'answer' } } });
    expect(dataset.report).toMatchObject({ train: { rows: { valid: 2, invalid: 0 } } });
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
