/**
 * The exports table: what was exported from which adapter, in which format, where, and what its
 * verification found. The exporters write the files; the library records them, refusing an
 * export made with a base model the adapter was not trained on.
 */
import { NotFoundError } from './errors';
import { removeExportFiles } from './export-files';
import type { Library } from './library';
import { assertLineage } from './lineage';
import type { ExportRecord } from './records';
import { preparedFor } from './statements';

interface ExportRow {
  id: number;
  adapter_id: number;
  model_id: number | null;
  format: string;
  path: string;
  size_bytes: number | null;
  verified: number | null;
  verification: string | null;
  created_at: string;
}

export type NewExport = Omit<ExportRecord, 'id' | 'createdAt'>;

const statements = preparedFor((db) => ({
  insert: db.prepare<Omit<ExportRow, 'id'>, never>(
    `INSERT INTO exports (adapter_id, model_id, format, path, size_bytes, verified, verification, created_at)
     VALUES (@adapter_id, @model_id, @format, @path, @size_bytes, @verified, @verification, @created_at)`,
  ),
  get: db.prepare<[number], ExportRow>('SELECT * FROM exports WHERE id = ?'),
  list: db.prepare<[], ExportRow>('SELECT * FROM exports ORDER BY id'),
  remove: db.prepare<[number], never>('DELETE FROM exports WHERE id = ?'),
}));

function toRecord(library: Library, row: ExportRow): ExportRecord {
  return {
    id: row.id,
    adapterId: row.adapter_id,
    modelId: row.model_id,
    format: row.format,
    path: library.resolve(row.path),
    sizeBytes: row.size_bytes,
    verified: row.verified === null ? null : row.verified === 1,
    verification: row.verification,
    createdAt: row.created_at,
  };
}

export function recordExport(library: Library, entry: NewExport): ExportRecord {
  if (entry.modelId !== null) assertLineage(library, entry.adapterId, entry.modelId);
  const { lastInsertRowid } = statements(library.db).insert.run({
    adapter_id: entry.adapterId,
    model_id: entry.modelId,
    format: entry.format,
    path: library.store(entry.path),
    size_bytes: entry.sizeBytes,
    verified: entry.verified === null ? null : entry.verified ? 1 : 0,
    verification: entry.verification,
    created_at: new Date().toISOString(),
  });
  return getExport(library, Number(lastInsertRowid));
}

export function getExport(library: Library, id: number): ExportRecord {
  const row = statements(library.db).get.get(id);
  if (!row) throw new NotFoundError('export', id);
  return toRecord(library, row);
}

export function listExports(library: Library, filter: { adapterId?: number } = {}): ExportRecord[] {
  return statements(library.db)
    .list.all()
    .filter((row) => filter.adapterId === undefined || row.adapter_id === filter.adapterId)
    .map((row) => toRecord(library, row));
}

/** Deletes the record, and the file when it lies inside the library. */
export async function deleteExport(library: Library, id: number): Promise<void> {
  const row = statements(library.db).get.get(id);
  if (!row) throw new NotFoundError('export', id);
  statements(library.db).remove.run(id);
  await removeExportFiles(library, [row.path]);
}
