/**
 * Deleting a run: its row, its metrics and checkpoint rows (ON DELETE CASCADE) and its folder
 * (checkpoints, log, the adapter as trained). Nothing else: its model and dataset stay, and its
 * adapter, which lives in its own folder, stays with its run id set to null.
 */
import { RunStateError } from './errors';
import type { Library } from './library';
import { isOwnerAlive } from './process-liveness';
import type { RunRecord } from './records';
import { ACTIVE_STATUSES, getRun } from './runs';
import { preparedFor } from './statements';

const statements = preparedFor((db) => ({
  owner: db.prepare<[number], { owner_pid: number | null; owner_boot_ms: number | null }>('SELECT owner_pid, owner_boot_ms FROM runs WHERE id = ?'),
  remove: db.prepare<[number], never>('DELETE FROM runs WHERE id = ?'),
}));

export async function deleteRun(library: Library, id: number): Promise<RunRecord> {
  const s = statements(library.db);
  const run = library.db.transaction(() => {
    const found = getRun(library, id);
    const owner = s.owner.get(id)!;
    if (ACTIVE_STATUSES.includes(found.status) && isOwnerAlive(owner.owner_pid, owner.owner_boot_ms)) {
      throw new RunStateError(id, found.status, 'deleted', `Cancel it first (\`hyperadapt runs cancel ${id}\`), then delete it.`);
    }
    s.remove.run(id);
    return found;
  }).immediate();
  // The rows go first: a crash before the folder is removed leaves unused files, never rows without their files.
  await library.remove(run.path);
  return run;
}
