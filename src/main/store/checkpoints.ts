/**
 * The checkpoints table mirrors what the trainer writes under <run>/checkpoints/. The folder is
 * the truth (the trainer prunes old checkpoints, and a crash can land between a checkpoint's
 * rename and its row), so the table is reconciled with it, and resuming verifies each one's
 * files against its manifest before trusting it.
 */
import { join } from 'node:path';
import { listCheckpoints, verifyCheckpoint } from '../engine/train/checkpoint';
import { NoValidCheckpointError } from './errors';
import type { Library } from './library';
import type { CheckpointRecord, CheckpointStatus } from './records';
import { preparedFor } from './statements';

interface CheckpointRow {
  id: number;
  run_id: number;
  step: number;
  path: string;
  status: CheckpointStatus;
  problem: string | null;
  created_at: string;
  verified_at: string | null;
}

const statements = preparedFor((db) => ({
  written: db.prepare<[number, number, string, string], never>(
    `INSERT INTO checkpoints (run_id, step, path, status, created_at) VALUES (?, ?, ?, 'written', ?)
     ON CONFLICT (run_id, step) DO UPDATE SET path = excluded.path, status = 'written', problem = NULL, created_at = excluded.created_at, verified_at = NULL`,
  ),
  verified: db.prepare<[CheckpointStatus, string | null, string, number, number], never>(
    'UPDATE checkpoints SET status = ?, problem = ?, verified_at = ? WHERE run_id = ? AND step = ?',
  ),
  ofRun: db.prepare<[number], CheckpointRow>('SELECT * FROM checkpoints WHERE run_id = ? ORDER BY step'),
  remove: db.prepare<[number, number], never>('DELETE FROM checkpoints WHERE run_id = ? AND step = ?'),
}));

export function checkpointsFolder(runPath: string): string {
  return join(runPath, 'checkpoints');
}

export function recordCheckpoint(library: Library, runId: number, step: number, dir: string): void {
  statements(library.db).written.run(runId, step, library.store(dir), new Date().toISOString());
}

export function checkpointsOf(library: Library, runId: number): CheckpointRecord[] {
  return statements(library.db)
    .ofRun.all(runId)
    .map((row) => ({
      id: row.id,
      runId: row.run_id,
      step: row.step,
      path: library.resolve(row.path),
      status: row.status,
      problem: row.problem,
      createdAt: row.created_at,
      verifiedAt: row.verified_at,
    }));
}

/** Makes the table list exactly the finished checkpoint folders on disk. */
export async function reconcileCheckpoints(library: Library, runId: number, runPath: string): Promise<void> {
  const onDisk = await listCheckpoints(checkpointsFolder(runPath));
  const steps = new Set(onDisk.map((c) => c.step));
  const known = new Set(checkpointsOf(library, runId).map((c) => c.step));
  library.db.transaction(() => {
    for (const step of known) if (!steps.has(step)) statements(library.db).remove.run(runId, step);
    for (const c of onDisk) if (!known.has(c.step)) recordCheckpoint(library, runId, c.step, c.dir);
  })();
}

/**
 * The newest checkpoint of a run whose files verify, recording what each check found. null
 * when the run never wrote one; NoValidCheckpointError when it did but none verifies.
 */
export async function resumeCheckpoint(library: Library, runId: number, runPath: string): Promise<{ step: number; dir: string } | null> {
  await reconcileCheckpoints(library, runId, runPath);
  const problems: string[] = [];
  for (const { step, dir } of await listCheckpoints(checkpointsFolder(runPath))) {
    const problem = await verifyCheckpoint(dir);
    statements(library.db).verified.run(problem === null ? 'valid' : 'invalid', problem, new Date().toISOString(), runId, step);
    if (problem === null) return { step, dir };
    problems.push(problem);
  }
  if (problems.length > 0) throw new NoValidCheckpointError(runId, problems);
  return null;
}
