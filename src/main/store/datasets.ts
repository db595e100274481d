/** The datasets table: one row per distinct data file (by content hash) in the library. */
import { dirname } from 'node:path';
import { datasetReadOptionsSchema } from './dataset-read-options';
import { InUseError, NotFoundError, type LibraryKind } from './errors';
import { jsonValueSchema, readJson, tagsSchema } from './json-column';
import type { Library } from './library';
import type { DatasetRecord } from './records';
import { preparedFor } from './statements';

interface DatasetRow {
  id: number;
  name: string;
  path: string;
  source_path: string;
  content_sha256: string;
  read_options: string;
  format: string;
  rows: number;
  size_bytes: number;
  token_stats: string | null;
  report: string | null;
  tags: string;
  added_at: string;
}

/** A dataset to record; its statistics and report are plain-data objects, stored as JSON. */
export type NewDataset = Omit<DatasetRecord, 'id' | 'tags' | 'addedAt' | 'tokenStats' | 'report'> & { tokenStats: object | null; report: object | null };

const statements = preparedFor((db) => ({
  insert: db.prepare<Omit<DatasetRow, 'id' | 'tags'>, never>(
    `INSERT INTO datasets (name, path, source_path, content_sha256, read_options, format, rows, size_bytes, token_stats, report, added_at)
     VALUES (@name, @path, @source_path, @content_sha256, @read_options, @format, @rows, @size_bytes, @token_stats, @report, @added_at)`,
  ),
  get: db.prepare<[number], DatasetRow>('SELECT * FROM datasets WHERE id = ?'),
  byContent: db.prepare<[string], DatasetRow>('SELECT * FROM datasets WHERE content_sha256 = ?'),
  list: db.prepare<[], DatasetRow>('SELECT * FROM datasets ORDER BY id'),
  users: db.prepare<[number], { kind: LibraryKind; id: number }>(`SELECT 'run' AS kind, id FROM runs WHERE dataset_id = ? ORDER BY id`),
  remove: db.prepare<[number], never>('DELETE FROM datasets WHERE id = ?'),
}));

function toRecord(library: Library, row: DatasetRow): DatasetRecord {
  const where = `datasets row ${row.id}`;
  return {
    id: row.id,
    name: row.name,
    path: library.resolve(row.path),
    sourcePath: row.source_path,
    contentSha256: row.content_sha256,
    readOptions: readJson(datasetReadOptionsSchema, row.read_options, `${where}, read_options`),
    format: row.format,
    rows: row.rows,
    sizeBytes: row.size_bytes,
    tokenStats: row.token_stats === null ? null : readJson(jsonValueSchema, row.token_stats, `${where}, token_stats`),
    report: row.report === null ? null : readJson(jsonValueSchema, row.report, `${where}, report`),
    tags: readJson(tagsSchema, row.tags, `${where}, tags`),
    addedAt: row.added_at,
  };
}

export function insertDataset(library: Library, dataset: NewDataset): DatasetRecord {
  const { lastInsertRowid } = statements(library.db).insert.run({
    name: dataset.name,
    path: library.store(dataset.path),
    source_path: dataset.sourcePath,
    content_sha256: dataset.contentSha256,
    read_options: JSON.stringify(dataset.readOptions),
    format: dataset.format,
    rows: dataset.rows,
    size_bytes: dataset.sizeBytes,
    token_stats: dataset.tokenStats === null ? null : JSON.stringify(dataset.tokenStats),
    report: dataset.report === null ? null : JSON.stringify(dataset.report),
    added_at: new Date().toISOString(),
  });
  return getDataset(library, Number(lastInsertRowid));
}

export function getDataset(library: Library, id: number): DatasetRecord {
  const row = statements(library.db).get.get(id);
  if (!row) throw new NotFoundError('dataset', id);
  return toRecord(library, row);
}

export function findDatasetByContent(library: Library, sha256: string): DatasetRecord | null {
  const row = statements(library.db).byContent.get(sha256);
  return row ? toRecord(library, row) : null;
}

export function listDatasets(library: Library): DatasetRecord[] {
  return statements(library.db).list.all().map((row) => toRecord(library, row));
}

/** Deletes the dataset's row and its library folder; refused while a run refers to it. */
export async function deleteDataset(library: Library, id: number): Promise<void> {
  const s = statements(library.db);
  const dataset = library.db.transaction(() => {
    const found = getDataset(library, id);
    const users = s.users.all(id);
    if (users.length > 0) throw new InUseError('dataset', id, users);
    s.remove.run(id);
    return found;
  }).immediate();
  // The file sits alone in its folder datasets/<hash>/.
  await library.remove(dirname(dataset.path));
}
