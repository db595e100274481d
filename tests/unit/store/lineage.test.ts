import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deleteAdapter, listAdapters } from '../../../src/main/store/adapters';
import { LineageError } from '../../../src/main/store/errors';
import { deleteExport, listExports, recordExport } from '../../../src/main/store/exports';
import { checkLineage } from '../../../src/main/store/lineage';
import { addModel } from '../../../src/main/store/model-import';
import { compareRuns } from '../../../src/main/store/run-comparison';
import { RunManager } from '../../../src/main/store/run-manager';
import { scratch, tinyModelFolder } from './helpers/fixtures';
import { QUICK, trainableLibrary } from './helpers/library-run';

describe('lineage, exports and comparison', () => {
  it('refuses an adapter on a base whose hashes differ, naming both; records exports only with the right base', async () => {
    const { library, modelId, datasetId } = await trainableLibrary();
    const manager = new RunManager(library);
    const a = await manager.finished(manager.start({ modelId, datasetId, name: 'lr 0.1', settings: QUICK }).id);
    const b = await manager.finished(manager.start({ modelId, datasetId, name: 'lr 0.02', settings: { ...QUICK, lr: 0.02 } }).id);
    const adapter = listAdapters(library, { runId: a.id })[0]!;
    const { model: other } = await addModel(library, await tinyModelFolder({ arch: 'qwen3', seed: 10 }), { name: 'other qwen' });

    expect(checkLineage(library, adapter.id, modelId)).toBeNull();
    const error = checkLineage(library, adapter.id, other.id);
    expect(error).toBeInstanceOf(LineageError);
    expect(error!.differences).toEqual(['model.safetensors differs']);
    expect(error!.message).toMatch(new RegExp(`Adapter "lr 0.1" \\(id ${adapter.id}\\) was trained on model ".*" \\(id ${modelId}, .*\\), not on model "other qwen" \\(id ${other.id}, .*\\): model.safetensors differs`));

    expect(() => recordExport(library, { adapterId: adapter.id, modelId: other.id, format: 'merged-safetensors', path: join(library.dataDirectory, 'x'), sizeBytes: 1, verified: null, verification: null })).toThrow(LineageError);
    const insideFile = join(library.dataDirectory, 'exports', 'merged.safetensors');
    const outsideFile = join(await scratch('user-exports'), 'adapter.gguf');
    for (const file of [insideFile, outsideFile]) {
      await mkdir(join(file, '..'), { recursive: true });
      await writeFile(file, 'exported');
    }
    const inside = recordExport(library, { adapterId: adapter.id, modelId, format: 'merged-safetensors', path: insideFile, sizeBytes: 8, verified: true, verification: 'logits match to 1e-4' });
    const outside = recordExport(library, { adapterId: adapter.id, modelId: null, format: 'gguf-lora', path: outsideFile, sizeBytes: 8, verified: null, verification: null });
    expect(inside).toMatchObject({ path: insideFile, verified: true });
    expect(library.db.prepare('SELECT path FROM exports ORDER BY id').all()).toEqual([{ path: 'exports/merged.safetensors' }, { path: outsideFile }]);

    await deleteExport(library, inside.id);
    await expect(stat(insideFile)).rejects.toThrow(/ENOENT/);
    await deleteAdapter(library, adapter.id);
    expect(listExports(library)).toEqual([]); // outside's row went with its adapter
    expect((await stat(outsideFile)).isFile()).toBe(true); // the user's file stays
    await expect(stat(adapter.path)).rejects.toThrow(/ENOENT/);
    expect(outside.id).toBeGreaterThan(inside.id);

    const comparison = compareRuns(library, [a.id, b.id]);
    expect(comparison.differences).toEqual([{ key: 'lr', values: [0.1, 0.02] }]);
    expect(comparison.runs.map((r) => [r.run.name, r.finalLoss !== null, r.bestValidationStep])).toEqual([
      ['lr 0.1', true, expect.any(Number)],
      ['lr 0.02', true, expect.any(Number)],
    ]);
    expect(comparison.curves[0]!.train).toHaveLength(8);
    expect(comparison.curves[1]!.validation.map(([step]) => step)).toEqual([4, 8]);
  });
});
