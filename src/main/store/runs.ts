/**
 * The runs table and the run lifecycle:
 *
 *   queued -> running -> paused -> running ...
 *                     -> completed | failed | cancelled | interrupted
 *   interrupted | cancelled | failed -> queued (resumed)
 *
 * queued, running and paused runs are owned by the process that trains them (its pid and the
 * machine's boot time); when that process is gone, the run becomes 'interrupted'. Another
 * process asks the owner to pause, resume or cancel through the `request` column.
 */
import { NotFoundError, RunStateError } from './errors';
import { readJson, tagsSchema } from './json-column';
import type { Library } from './library';
import { bootTimeMs, isOwnerAlive } from './process-liveness';
import type { RunRecord, RunSettings, RunStatus } from './records';
import { runSettingsSchema } from './run-settings-schema';
import { preparedFor } from './statements';

interface RunRow {
  id: number;
  name: string;
  model_id: number;
  dataset_id: number;
  method: 'hyperadapt';
  config: string;
  status: RunStatus;
  path: string;
  device: string | null;
  total_steps: number | null;
  step: number;
  stop_reason: string | null;
  error: string | null;
  owner_pid: number | null;
  owner_boot_ms: number | null;
  request: RunRequest | null;
  tags: string;
  notes: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export type RunRequest = 'pause' | 'resume' | 'cancel';

/** Statuses in which a process owns the run. */
export const ACTIVE_STATUSES: readonly RunStatus[] = ['queued', 'running', 'paused'];

const TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  queued: ['running', 'cancelled', 'failed', 'interrupted'],
  running: ['paused', 'completed', 'failed', 'cancelled', 'interrupted'],
  paused: ['running', 'cancelled', 'failed', 'interrupted'],
  interrupted: ['queued'],
  cancelled: ['queued'],
  failed: ['queued'],
  completed: [],
};

export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export interface NewRun {
  name: string;
  modelId: number;
  datasetId: number;
  settings: RunSettings;
}

/** Fields a transition may set along with the status. */
export interface RunPatch {
  device?: string | null;
  totalSteps?: number | null;
  step?: number;
  stopReason?: string | null;
  error?: string | null;
  startedAt?: string;
  finishedAt?: string | null;
}

const statements = preparedFor((db) => ({
  insert: db.prepare<[string, number, number, string, string, number, number, string], never>(
    `INSERT INTO runs (name, model_id, dataset_id, method, config, status, path, owner_pid, owner_boot_ms, created_at)
     VALUES (?, ?, ?, 'hyperadapt', ?, 'queued', ?, ?, ?, ?)`,
  ),
  setPath: db.prepare<[string, number], never>('UPDATE runs SET path = ? WHERE id = ?'),
  get: db.prepare<[number], RunRow>('SELECT * FROM runs WHERE id = ?'),
  list: db.prepare<[], RunRow>('SELECT * FROM runs ORDER BY id'),
  active: db.prepare<[], RunRow>(`SELECT * FROM runs WHERE status IN ('queued', 'running', 'paused')`),
  transition: db.prepare(
    `UPDATE runs SET status = @status, owner_pid = @owner_pid, owner_boot_ms = @owner_boot_ms, request = NULL,
       device = coalesce(@device, device), total_steps = coalesce(@total_steps, total_steps), step = coalesce(@step, step),
       stop_reason = @stop_reason, error = @error, started_at = coalesce(started_at, @started_at), finished_at = @finished_at
     WHERE id = @id`,
  ),
  progress: db.prepare<{ id: number; step: number | null; device: string | null; total_steps: number | null }, never>(
    'UPDATE runs SET step = coalesce(@step, step), device = coalesce(@device, device), total_steps = coalesce(@total_steps, total_steps) WHERE id = @id',
  ),
  request: db.prepare<[RunRequest, number], never>('UPDATE runs SET request = ? WHERE id = ?'),
  pendingRequest: db.prepare<[number, number], { request: RunRequest | null }>('SELECT request FROM runs WHERE id = ? AND owner_pid = ?'),
  clearRequest: db.prepare<[number], never>('UPDATE runs SET request = NULL WHERE id = ?'),
}));

function toRecord(library: Library, row: RunRow): RunRecord {
  const where = `runs row ${row.id}`;
  return {
    id: row.id,
    name: row.name,
    modelId: row.model_id,
    datasetId: row.dataset_id,
    method: row.method,
    settings: readJson(runSettingsSchema, row.config, `${where}, config`),
    status: row.status,
    path: library.resolve(row.path),
    device: row.device,
    totalSteps: row.total_steps,
    step: row.step,
    stopReason: row.stop_reason,
    error: row.error,
    tags: readJson(tagsSchema, row.tags, `${where}, tags`),
    notes: row.notes,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

function getRow(library: Library, id: number): RunRow {
  const row = statements(library.db).get.get(id);
  if (!row) throw new NotFoundError('run', id);
  return row;
}

/** A new run, queued and owned by this process; its folder is runs/<id>. */
export function createRun(library: Library, run: NewRun): RunRecord {
  const s = statements(library.db);
  const id = library.db.transaction(() => {
    const { lastInsertRowid } = s.insert.run(
      run.name,
      run.modelId,
      run.datasetId,
      JSON.stringify(run.settings),
      '',
      process.pid,
      bootTimeMs(),
      new Date().toISOString(),
    );
    const runId = Number(lastInsertRowid);
    s.setPath.run(`runs/${runId}`, runId);
    return runId;
  }).immediate();
  return getRun(library, id);
}

export function getRun(library: Library, id: number): RunRecord {
  return toRecord(library, getRow(library, id));
}

export interface RunFilter {
  status?: RunStatus;
  modelId?: number;
  datasetId?: number;
}

export function listRuns(library: Library, filter: RunFilter = {}): RunRecord[] {
  return statements(library.db)
    .list.all()
    .filter((row) => (filter.status === undefined || row.status === filter.status) && (filter.modelId === undefined || row.model_id === filter.modelId) && (filter.datasetId === undefined || row.dataset_id === filter.datasetId))
    .map((row) => toRecord(library, row));
}

/** Whether the run is active in a process other than this one that is still alive. */
export function ownedElsewhere(library: Library, id: number): number | null {
  const row = getRow(library, id);
  if (!ACTIVE_STATUSES.includes(row.status) || row.owner_pid === null || row.owner_pid === process.pid) return null;
  return isOwnerAlive(row.owner_pid, row.owner_boot_ms) ? row.owner_pid : null;
}

/**
 * Moves a run to `to`, checking the lifecycle allows it. Entering an active status makes this
 * process the owner; leaving them clears the owner and any pending request.
 */
export function transitionRun(library: Library, id: number, to: RunStatus, patch: RunPatch = {}): RunRecord {
  library.db.transaction(() => {
    const row = getRow(library, id);
    if (!canTransition(row.status, to)) {
      throw new RunStateError(id, row.status, `moved to ${to}`, `From ${row.status} a run can go to ${TRANSITIONS[row.status].join(', ') || 'nothing: it is finished'}.`);
    }
    const active = ACTIVE_STATUSES.includes(to);
    const finished = to === 'completed' || to === 'failed' || to === 'cancelled' || to === 'interrupted';
    statements(library.db).transition.run({
      id,
      status: to,
      owner_pid: active ? process.pid : null,
      owner_boot_ms: active ? bootTimeMs() : null,
      device: patch.device ?? null,
      total_steps: patch.totalSteps ?? null,
      step: patch.step ?? null,
      stop_reason: patch.stopReason ?? null,
      error: patch.error ?? null,
      started_at: patch.startedAt ?? null,
      finished_at: finished ? (patch.finishedAt ?? new Date().toISOString()) : null,
    });
  }).immediate();
  return getRun(library, id);
}

/** What a running run reports as it goes: where it is, and (at its start) its device and length. */
export function updateRunProgress(library: Library, id: number, progress: { step?: number; device?: string; totalSteps?: number }): void {
  statements(library.db).progress.run({ id, step: progress.step ?? null, device: progress.device ?? null, total_steps: progress.totalSteps ?? null });
}

/**
 * Runs left queued, running or paused by a process that is gone become 'interrupted'.
 * Called when a process opens the library and before runs are listed; returns the ids it
 * changed. It looks first without the write lock, which it takes only when there is one to mark.
 */
export function markInterrupted(library: Library): number[] {
  const s = statements(library.db);
  const orphaned = (rows: RunRow[]) => rows.filter((row) => !isOwnerAlive(row.owner_pid, row.owner_boot_ms));
  if (orphaned(s.active.all()).length === 0) return [];
  return library.db.transaction(() => {
    const rows = orphaned(s.active.all()); // again under the lock: another process may have marked them meanwhile
    for (const row of rows) transitionRun(library, row.id, 'interrupted');
    return rows.map((row) => row.id);
  }).immediate();
}

/** Asks the process that owns an active run to pause, resume or cancel it at its next step. */
export function requestRunAction(library: Library, id: number, request: RunRequest): void {
  const row = getRow(library, id);
  if (!ACTIVE_STATUSES.includes(row.status)) throw new RunStateError(id, row.status, `asked to ${request}`, 'Only a queued, running or paused run can be.');
  statements(library.db).request.run(request, id);
}

/** The pending request for a run this process owns, cleared as it is taken. */
export function takeRunRequest(library: Library, id: number): RunRequest | null {
  const s = statements(library.db);
  // Polled every second: look without the write lock, take it only when there is something to take.
  if ((s.pendingRequest.get(id, process.pid)?.request ?? null) === null) return null;
  return library.db.transaction(() => {
    const request = s.pendingRequest.get(id, process.pid)?.request ?? null;
    if (request !== null) s.clearRequest.run(id);
    return request;
  }).immediate();
}
