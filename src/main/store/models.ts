/** The models table: one row per distinct base model in the library. */
import { createHash } from 'node:crypto';
import { InUseError, NotFoundError, type LibraryKind } from './errors';
import { readJson, tagsSchema, weightFilesSchema } from './json-column';
import type { Library } from './library';
import type { ModelRecord, WeightFileRecord } from './records';
import { preparedFor } from './statements';

interface ModelRow {
  id: number;
  name: string;
  path: string;
  source_path: string;
  architecture: string;
  parameter_count: number;
  hyperadapt_parameter_count: number;
  dtype: string;
  config_sha256: string;
  weight_files: string;
  identity_sha256: string;
  size_bytes: number;
  linked: number;
  tags: string;
  added_at: string;
}

export type NewModel = Omit<ModelRecord, 'id' | 'tags' | 'addedAt'>;

const statements = preparedFor((db) => ({
  insert: db.prepare<Omit<ModelRow, 'id' | 'tags'>, never>(
    `INSERT INTO models (name, path, source_path, architecture, parameter_count, hyperadapt_parameter_count, dtype, config_sha256,
       weight_files, identity_sha256, size_bytes, linked, added_at)
     VALUES (@name, @path, @source_path, @architecture, @parameter_count, @hyperadapt_parameter_count, @dtype, @config_sha256,
       @weight_files, @identity_sha256, @size_bytes, @linked, @added_at)`,
  ),
  get: db.prepare<[number], ModelRow>('SELECT * FROM models WHERE id = ?'),
  byIdentity: db.prepare<[string], ModelRow>('SELECT * FROM models WHERE identity_sha256 = ?'),
  list: db.prepare<[], ModelRow>('SELECT * FROM models ORDER BY id'),
  users: db.prepare<[number, number], { kind: LibraryKind; id: number }>(
    `SELECT 'run' AS kind, id FROM runs WHERE model_id = ? UNION ALL SELECT 'adapter' AS kind, id FROM adapters WHERE model_id = ? ORDER BY kind, id`,
  ),
  remove: db.prepare<[number], never>('DELETE FROM models WHERE id = ?'),
}));

function toRecord(library: Library, row: ModelRow): ModelRecord {
  const where = `models row ${row.id}`;
  return {
    id: row.id,
    name: row.name,
    path: library.resolve(row.path),
    sourcePath: row.source_path,
    architecture: row.architecture,
    parameterCount: row.parameter_count,
    hyperAdaptParameterCount: row.hyperadapt_parameter_count,
    dtype: row.dtype,
    configSha256: row.config_sha256,
    weightFiles: readJson(weightFilesSchema, row.weight_files, `${where}, weight_files`),
    sizeBytes: row.size_bytes,
    linked: row.linked === 1,
    tags: readJson(tagsSchema, row.tags, `${where}, tags`),
    addedAt: row.added_at,
  };
}

/** One hash for (architecture, config, every weight file), independent of file order. */
export function identitySha256(architecture: string, configSha256: string, weightFiles: readonly WeightFileRecord[]): string {
  const files = [...weightFiles].sort((a, b) => a.file.localeCompare(b.file)).map((f) => [f.file, f.bytes, f.sha256]);
  return createHash('sha256').update(JSON.stringify([architecture, configSha256, files])).digest('hex');
}

export function insertModel(library: Library, model: NewModel): ModelRecord {
  const { lastInsertRowid } = statements(library.db).insert.run({
    name: model.name,
    path: library.store(model.path),
    source_path: model.sourcePath,
    architecture: model.architecture,
    parameter_count: model.parameterCount,
    hyperadapt_parameter_count: model.hyperAdaptParameterCount,
    dtype: model.dtype,
    config_sha256: model.configSha256,
    weight_files: JSON.stringify(model.weightFiles),
    identity_sha256: identitySha256(model.architecture, model.configSha256, model.weightFiles),
    size_bytes: model.sizeBytes,
    linked: model.linked ? 1 : 0,
    added_at: new Date().toISOString(),
  });
  return getModel(library, Number(lastInsertRowid));
}

export function getModel(library: Library, id: number): ModelRecord {
  const row = statements(library.db).get.get(id);
  if (!row) throw new NotFoundError('model', id);
  return toRecord(library, row);
}

export function findModelByIdentity(library: Library, identity: string): ModelRecord | null {
  const row = statements(library.db).byIdentity.get(identity);
  return row ? toRecord(library, row) : null;
}

export function listModels(library: Library): ModelRecord[] {
  return statements(library.db).list.all().map((row) => toRecord(library, row));
}

/** Deletes the model's row and its library folder; refused while a run or an adapter refers to it. */
export async function deleteModel(library: Library, id: number): Promise<void> {
  const s = statements(library.db);
  const model = library.db.transaction(() => {
    const found = getModel(library, id);
    const users = s.users.all(id, id);
    if (users.length > 0) throw new InUseError('model', id, users);
    s.remove.run(id);
    return found;
  }).immediate();
  // The row goes first: a crash before the folder is removed leaves only unused files, never a row without its files.
  await library.remove(model.path);
}
