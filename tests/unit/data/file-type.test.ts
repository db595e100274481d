import { describe, expect, it } from 'vitest';
import { detectFileType } from '../../../src/main/data/file-type';
import { useTempDir } from './helpers/temp-files';

const files = useTempDir('file-type');

describe('detectFileType', () => {
  it('goes by the extension', async () => {
    expect(await detectFileType(await files.write('a.JSONL', '{}'))).toEqual({ type: 'jsonl', evidence: 'JSONL (from the .jsonl extension)' });
    expect((await detectFileType(await files.write('a.tsv', 'a\tb'))).type).toBe('tsv');
    expect((await detectFileType(await files.write('a.md', '# hi'))).type).toBe('txt');
  });

  it('reads a .json file holding one object per line as JSON Lines, and says so', async () => {
    expect(await detectFileType(await files.write('lines.json', '{"a": 1}\n{"a": 2}\n'))).toEqual({ type: 'jsonl', evidence: 'JSON Lines (named .json, but it holds one JSON object per line)' });
    expect((await detectFileType(await files.write('doc.json', '{\n "data": []\n}'))).type).toBe('json');
  });

  it('trusts the Parquet magic over the name, and refuses a .parquet without it', async () => {
    expect((await detectFileType(await files.write('data.bin', 'PAR1....PAR1'))).type).toBe('parquet');
    await expect(detectFileType(await files.write('fake.parquet', 'a,b\n'))).rejects.toThrow('does not start with the Parquet magic');
  });

  it('sniffs files without a known extension, and refuses what it cannot tell', async () => {
    expect((await detectFileType(await files.write('noext', '[{"a": 1}]'))).type).toBe('json');
    expect((await detectFileType(await files.write('noext2', '{"a": 1}\n{"a": 2}'))).type).toBe('jsonl');
    await expect(detectFileType(await files.write('data.xlsx', 'PK\u0003\u0004'))).rejects.toThrow('cannot tell what kind of data file this is from its ".xlsx" extension');
    await expect(detectFileType(await files.write('data.jsonl.gz', Buffer.from([0x1f, 0x8b, 8, 0])))).rejects.toThrow('gzip-compressed');
  });
});
