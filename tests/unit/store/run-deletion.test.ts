import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getAdapter, listAdapters } from '../../../src/main/store/adapters';
import { RunStateError } from '../../../src/main/store/errors';
import type { Library } from '../../../src/main/store/library';
import { RunManager } from '../../../src/main/store/run-manager';
import { deleteRun } from '../../../src/main/store/run-deletion';
import { createRun } from '../../../src/main/store/runs';
import { completeSettings } from '../../../src/main/store/run-options';
import { QUICK, trainableLibrary } from './helpers/library-run';

/** Every row of every table, and every file under the data folder except the database's own. */
async function everything(library: Library): Promise<{ rows: Record<string, unknown[]>; files: string[] }> {
  const rows: Record<string, unknown[]> = {};
  for (const table of ['models', 'datasets', 'runs', 'metrics', 'checkpoints', 'adapters', 'exports']) {
    rows[table] = library.db.prepare(`SELECT * FROM ${table}`).all();
  }
  const files = (await readdir(library.dataDirectory, { recursive: true })).filter((name) => !name.startsWith('library.db')).sort();
  return { rows, files };
}

describe('deleteRun', () => {
  it("removes the run's folder and its rows, and nothing else; its adapter stays without it", async () => {
    const { library, modelId, datasetId } = await trainableLibrary();
    const manager = new RunManager(library);
    const doomed = await manager.finished(manager.start({ modelId, datasetId, settings: QUICK }).id);
    const kept = await manager.finished(manager.start({ modelId, datasetId, settings: { ...QUICK, lr: 0.05 } }).id);
    expect([doomed.status, kept.status]).toEqual(['completed', 'completed']);
    const adapter = listAdapters(library, { runId: doomed.id })[0]!;
    const before = await everything(library);

    await deleteRun(library, doomed.id);
    const after = await everything(library);

    await expect(stat(doomed.path)).rejects.toThrow(/ENOENT/);
    const runFolder = `runs/${doomed.id}`;
    expect(after.files).toEqual(before.files.filter((file) => file !== runFolder && !file.startsWith(`${runFolder}/`)));
    expect(before.files.length - after.files.length).toBeGreaterThan(5); // checkpoints, the log, the adapter as trained

    const byRun = (table: string, rows: Record<string, unknown[]>) => rows[table]!.filter((row) => (row as { run_id: number }).run_id === doomed.id);
    expect(byRun('metrics', before.rows).length).toBeGreaterThan(0);
    expect(byRun('checkpoints', before.rows).length).toBeGreaterThan(0);
    for (const table of ['metrics', 'checkpoints']) {
      expect(after.rows[table]).toEqual(before.rows[table]!.filter((row) => (row as { run_id: number }).run_id !== doomed.id));
    }
    expect(after.rows['runs']).toEqual(before.rows['runs']!.filter((row) => (row as { id: number }).id !== doomed.id));
    for (const table of ['models', 'datasets', 'exports']) expect(after.rows[table]).toEqual(before.rows[table]);
    // The adapter lives in its own folder and keeps its lineage; only its run link is gone.
    expect(getAdapter(library, adapter.id)).toEqual({ ...adapter, runId: null });
    expect(await readdir(join(adapter.path))).toEqual(['adapter_config.json', 'adapter_model.safetensors']);
    expect(kept.path).toBe(join(library.dataDirectory, 'runs', String(kept.id)));
  });

  it('is refused while the run belongs to a live process', async () => {
    const { library, modelId, datasetId } = await trainableLibrary();
    const run = createRun(library, { name: 'queued here', modelId, datasetId, settings: completeSettings({}) });
    await expect(deleteRun(library, run.id)).rejects.toThrow(RunStateError);
    await expect(deleteRun(library, run.id)).rejects.toThrow(/Cancel it first/);
  });
});
