import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDataset, loadDataset, type DatasetCheckOptions } from '../../../src/main/data/dataset';
import { describeReport } from '../../../src/main/data/describe-report';
import { datasetDescriber } from '../../../src/main/data/describe-dataset';
import { charTokenizer } from './helpers/char-tokenizer';
import { FIXTURES, useTempDir } from './helpers/temp-files';

const files = useTempDir('drop-invalid');
const options = (extra: Partial<DatasetCheckOptions> = {}): DatasetCheckOptions => ({ tokenizer: charTokenizer(), maxLength: 512, valSplit: 0, seed: 1, batchSize: 2, gradAccum: 1, ...extra });
const mixed = join(FIXTURES, 'mixed.jsonl');

describe('leaving the rows with errors out', () => {
  it('makes a file with a bad row ready, still listing the row, and says how many are left out', async () => {
    const strict = await checkDataset(mixed, options());
    expect(strict).toMatchObject({ ok: false, invalidRowsLeftOut: 0 });
    const lenient = await checkDataset(mixed, options({ dropInvalidRows: true }));
    expect(lenient).toMatchObject({ ok: true, invalidRowsLeftOut: 1, train: { errors: 1, rows: { total: 4, valid: 3, invalid: 1, usable: 3 } } });
    expect(lenient.train.issues).toEqual(strict.train.issues);
    expect(describeReport(lenient)).toContain('Ready to train (1 row with errors left out; the file is unchanged).');
  });

  it('trains on the valid rows instead of refusing, and never writes to the file', async () => {
    const before = await readFile(mixed, 'utf8');
    await expect(loadDataset(mixed, options())).rejects.toThrow('cannot be used');
    const loaded = await loadDataset(mixed, options({ dropInvalidRows: true }));
    expect(loaded.train).toHaveLength(3);
    expect(await readFile(mixed, 'utf8')).toBe(before);
  });

  it('is not ready when no valid row is left', async () => {
    const path = await files.write('all-bad.jsonl', '{broken\n[1, 2]\n');
    const report = await checkDataset(path, options({ dropInvalidRows: true, tokenizer: null }));
    expect(report).toMatchObject({ ok: false, invalidRowsLeftOut: 2 });
    expect(describeReport(report)).toContain('Not ready: no row is left to train on');
  });

  it('counts the valid rows as the dataset\'s rows', async () => {
    expect((await datasetDescriber({})(mixed)).rows).toBe(4);
    expect((await datasetDescriber({ dropInvalidRows: true })(mixed)).rows).toBe(3);
  });
});
