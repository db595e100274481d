import { describe, expect, it } from 'vitest';
import { readTxt } from '../../../../src/main/data/readers/txt';
import { collect, useTempDir } from '../helpers/temp-files';

const files = useTempDir('txt');

describe('readTxt', () => {
  it('makes one row per non-blank line by default', async () => {
    const path = await files.write('a.txt', 'first\n\nsecond\r\nthird');
    expect(await collect(readTxt(path, { bytes: 0 }, 'line'))).toEqual([
      { row: 1, line: 1, fields: { text: 'first' } },
      { row: 2, line: 3, fields: { text: 'second' } },
      { row: 3, line: 4, fields: { text: 'third' } },
    ]);
  });

  it('makes one row per paragraph, joining its lines', async () => {
    const path = await files.write('b.txt', 'one\ntwo\n\n\nthree\n');
    expect(await collect(readTxt(path, { bytes: 0 }, 'paragraph'))).toEqual([
      { row: 1, line: 1, fields: { text: 'one\ntwo' } },
      { row: 2, line: 5, fields: { text: 'three' } },
    ]);
  });

  it('reports invalid UTF-8 for the row it falls in', async () => {
    const path = await files.write('c.txt', Buffer.concat([Buffer.from('ok\nbad '), Buffer.from([0xc3, 0x28]), Buffer.from('\nok\n\npara\n')]));
    const lines = await collect(readTxt(path, { bytes: 0 }, 'line'));
    expect(lines[1]).toMatchObject({ row: 2, line: 2, problem: { code: 'invalid-utf8', message: expect.stringContaining('byte 0xC3 at byte 5') } });
    const paragraphs = await collect(readTxt(path, { bytes: 0 }, 'paragraph'));
    expect(paragraphs).toEqual([
      { row: 1, line: 2, problem: expect.objectContaining({ code: 'invalid-utf8' }) },
      { row: 2, line: 5, fields: { text: 'para' } },
    ]);
  });
});
