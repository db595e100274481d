import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAtomicFile, writeFileAtomic } from '../../../src/main/fs/atomic-write';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'atomic-write-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('atomic write', () => {
  it('replaces a file whole, leaving no temp file', async () => {
    const path = join(dir, 'a.txt');
    await writeFile(path, 'old');
    await writeFileAtomic(path, 'new contents');
    expect(await readFile(path, 'utf8')).toBe('new contents');
    expect(await readdir(dir)).toEqual(['a.txt']);
  });

  it('streams chunks into a hidden temp file that appears under its name only on commit', async () => {
    const path = join(dir, 'b.bin');
    const file = await openAtomicFile(path);
    expect(file.tempPath.startsWith(join(dir, '.b.bin.'))).toBe(true);
    await file.write(new Uint8Array([1, 2]));
    await file.write(new Float32Array([1]).subarray(0, 1));
    await file.write('z');
    expect(file.bytesWritten).toBe(7);
    await expect(readFile(path)).rejects.toThrow('ENOENT');
    await file.commit();
    expect([...(await readFile(path))]).toEqual([1, 2, 0, 0, 0x80, 0x3f, 0x7a]);
    await expect(file.write('late')).rejects.toThrow('cannot write, the file is already committed');
  });

  it('abort keeps the old file and removes the temp file', async () => {
    const path = join(dir, 'c.txt');
    await writeFile(path, 'keep me');
    const file = await openAtomicFile(path);
    await file.write('half-written');
    await file.abort();
    await file.abort();
    expect(await readFile(path, 'utf8')).toBe('keep me');
    expect((await readdir(dir)).filter((f) => f.startsWith('.c.txt'))).toEqual([]);
  });

  it('fails cleanly when the directory does not exist', async () => {
    await expect(writeFileAtomic(join(dir, 'missing', 'd.txt'), 'x')).rejects.toThrow('ENOENT');
  });
});
