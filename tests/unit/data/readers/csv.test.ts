import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsv, sniffDelimiter } from '../../../../src/main/data/readers/csv';
import { collect, FIXTURES, useTempDir } from '../helpers/temp-files';

const files = useTempDir('csv');
const read = async (content: string | Uint8Array, delimiter = ',') => collect(readCsv(await files.write('data.csv', content), { bytes: 0 }, delimiter));

describe('readCsv', () => {
  it('reads the fixture: BOM, CRLF, quoted newlines, delimiters and doubled quotes, rows at their first line', async () => {
    const records = await collect(readCsv(join(FIXTURES, 'classification.csv'), { bytes: 0 }, ','));
    expect((await readFile(join(FIXTURES, 'classification.csv'))).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(records).toEqual([
      { row: 1, line: 2, fields: { text: 'A warm,\r\nlovely film', label: 'positive' } },
      { row: 2, line: 4, fields: { text: 'Dull; I left early', label: 'negative' } },
      { row: 3, line: 5, fields: { text: 'He said "fine"', label: 'neutral' } },
    ]);
  });

  it('keeps line numbers right past blank lines and multi-line records', async () => {
    const records = await read('a,b\n"1\n2\n3",x\n\n\ny,"z"\nlast,row');
    expect(records.map((r) => r.line)).toEqual([2, 7, 8]);
  });

  it('reports a record with the wrong number of fields, naming the delimiter', async () => {
    const records = await read('text,label\nfine,1\nhello, world,2\n');
    expect(records[1]).toEqual({
      row: 2,
      line: 3,
      problem: { code: 'field-count', field: null, message: 'the record has 3 field(s) but the header names 2 (an unquoted "," inside a field? quote the field)' },
    });
  });

  it('reports invalid UTF-8 on the line it is on, even inside a quoted multi-line field', async () => {
    const bytes = Buffer.concat([Buffer.from('text,label\nok,1\n"two\nlin'), Buffer.from([0xff]), Buffer.from('es",2\nok,3\n')]);
    const records = await read(bytes);
    expect(records.map((r) => ('problem' in r ? `${r.line}:${r.problem.message}` : `${r.line}:ok`))).toEqual(['2:ok', '3:line 4 is not valid UTF-8 (save the file as UTF-8)', '5:ok']);
  });

  it('reports a quote that is never closed as a file cut short', async () => {
    const records = await read('text,label\nok,1\n"never closed,2\nmore,3\n');
    expect(records.at(-1)).toMatchObject({ row: 2, line: 3, problem: { code: 'cut-short', message: expect.stringContaining('never closed') } });
  });

  it('names unnamed columns and refuses repeated ones', async () => {
    expect(await read(',text\n0,hi\n')).toEqual([{ row: 1, line: 2, fields: { column_1: '0', text: 'hi' } }]);
    await expect(read('text,text\na,b\n')).rejects.toThrow('columns 1 and 2 of the header are both named "text"');
    await expect(read('')).rejects.toThrow('the file is empty');
  });

  it('sniffs the delimiter from the header, ignoring quoted ones', async () => {
    expect(await sniffDelimiter(await files.write('semi.csv', '"a,b";c;d\n1;2;3\n'))).toBe(';');
    expect(await sniffDelimiter(await files.write('tab.csv', 'a\tb\n'))).toBe('\t');
    expect(await sniffDelimiter(await files.write('comma.csv', 'a,b\n'))).toBe(',');
    expect(await read('text;label\n"x;y";1\n', ';')).toEqual([{ row: 1, line: 2, fields: { text: 'x;y', label: '1' } }]);
  });

  it('reads a 200,000-character field', async () => {
    const long = 'word '.repeat(40_000);
    expect(await read(`text,label\n"${long}",1\n`)).toEqual([{ row: 1, line: 2, fields: { text: long, label: '1' } }]);
  });
});
