import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { graphFileName, writeGraphFile } from '../../../src/main/engine/onnx/graph-file';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('graph files in the model folder', () => {
  it('names a graph by its label and a hash of its bytes', () => {
    const a = graphFileName('generate', new Uint8Array([1, 2, 3]));
    expect(a).toMatch(/^\.hyperadapt-generate-[0-9a-f]{16}\.onnx$/);
    expect(graphFileName('generate', new Uint8Array([1, 2, 3]))).toBe(a);
    expect(graphFileName('generate', new Uint8Array([1, 2, 4]))).not.toBe(a);
  });

  it('writes a file once; an existing file of that name is kept as it is', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hyperadapt-graph-file-'));
    dirs.push(dir);
    const path = await writeGraphFile(dir, 'g.onnx', new Uint8Array([7, 8]));
    expect(path).toBe(join(dir, 'g.onnx'));
    const first = await stat(path);
    await writeGraphFile(dir, 'g.onnx', new Uint8Array([9]));
    expect([...(await readFile(path))]).toEqual([7, 8]);
    expect((await stat(path)).ino).toBe(first.ino);
  });
});
