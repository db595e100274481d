import { describe, expect, it } from 'vitest';
import { DatasetFileError } from '../../../../src/main/data/errors';
import { plainValue, readParquet } from '../../../../src/main/data/readers/parquet';
import { writeParquet } from '../helpers/parquet-writer';
import { collect, useTempDir } from '../helpers/temp-files';

const files = useTempDir('parquet');

describe('readParquet', () => {
  it('reads every row group in order, with 1-based row numbers, nulls and INT64 as numbers', async () => {
    const path = files.path('a.parquet');
    await writeParquet(
      path,
      [
        { name: 'text', type: 'string', values: ['héllo', 'world', 'third', 'fourth', 'fifth'] },
        { name: 'label', type: 'int64', values: [1, 2, 3, 4, 5] },
        { name: 'note', type: 'string', values: ['a', null, null, 'd', 'e'], optional: true },
      ],
      { rowsPerGroup: 2 },
    );
    const progress = { bytes: 0 };
    const records = await collect(readParquet(path, progress));
    expect(records.map((r) => r.row)).toEqual([1, 2, 3, 4, 5]);
    expect(records[0]).toEqual({ row: 1, line: null, fields: { text: 'héllo', label: 1, note: 'a' } });
    expect(records[1]).toEqual({ row: 2, line: null, fields: { text: 'world', label: 2, note: null } });
    expect(progress.bytes).toBeGreaterThan(0);
  });

  it('refuses a codec it cannot decode before reading, saying how to re-save', async () => {
    const path = files.path('zstd.parquet');
    await writeParquet(path, [{ name: 'text', type: 'string', values: ['a'] }], { codec: 'ZSTD' });
    await expect(collect(readParquet(path, { bytes: 0 }))).rejects.toThrow(DatasetFileError);
    await expect(collect(readParquet(path, { bytes: 0 }))).rejects.toThrow('column "text" is compressed with ZSTD, which cannot be read here (re-save the file with snappy');
  });

  it('refuses a file that is not Parquet', async () => {
    const path = await files.write('bad.parquet', 'PAR1 but nothing else');
    await expect(collect(readParquet(path, { bytes: 0 }))).rejects.toThrow('not a readable Parquet file');
  });

  it('makes values plain: bigints to numbers (or text past 2^53), typed arrays to lists, nested', () => {
    expect(plainValue({ ids: BigInt64Array.from([1n, 2n]), big: 2n ** 60n, list: [{ n: 3n }] })).toEqual({ ids: [1, 2], big: '1152921504606846976', list: [{ n: 3 }] });
  });
});
