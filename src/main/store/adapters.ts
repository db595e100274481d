/**
 * The adapters table. A completed run's adapter is brought into adapters/<uuid>/ (its two
 * files, hard-linked where possible), so it outlives the run: deleting a run keeps its adapter,
 * whose run id then becomes null while its model, dataset and base hashes stay recorded.
 */
import { randomUUID } from 'node:crypto';
import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, readAdapterConfig } from '../engine/adapters/adapter-files';
import { sha256File } from '../fs/hash';
import { NotFoundError } from './errors';
import { removeExportFiles } from './export-files';
import { readJson, tagsSchema, weightFilesSchema } from './json-column';
import type { Library } from './library';
import { linkOrCopy } from './link-or-copy';
import type { AdapterRecord, RunRecord } from './records';
import { createStagingFolder } from './staging';
import { preparedFor } from './statements';

interface AdapterRow {
  id: number;
  name: string;
  run_id: number | null;
  model_id: number;
  dataset_id: number | null;
  path: string;
  parameter_count: number;
  target_modules: string;
  weights_sha256: string;
  base_architecture: string;
  base_config_sha256: string;
  base_weight_files: string;
  metrics: string;
  notes: string;
  tags: string;
  created_at: string;
}

export interface AdapterFilter {
  modelId?: number;
  runId?: number;
}

const metricsSchema = v.record(v.string(), v.nullable(v.number()));
const modulesSchema = v.array(v.string());

const statements = preparedFor((db) => ({
  insert: db.prepare<Omit<AdapterRow, 'id' | 'notes' | 'tags'>, never>(
    `INSERT INTO adapters (name, run_id, model_id, dataset_id, path, parameter_count, target_modules, weights_sha256,
       base_architecture, base_config_sha256, base_weight_files, metrics, created_at)
     VALUES (@name, @run_id, @model_id, @dataset_id, @path, @parameter_count, @target_modules, @weights_sha256,
       @base_architecture, @base_config_sha256, @base_weight_files, @metrics, @created_at)`,
  ),
  get: db.prepare<[number], AdapterRow>('SELECT * FROM adapters WHERE id = ?'),
  list: db.prepare<[], AdapterRow>('SELECT * FROM adapters ORDER BY id'),
  remove: db.prepare<[number], never>('DELETE FROM adapters WHERE id = ?'),
  exportPaths: db.prepare<[number], { path: string }>('SELECT path FROM exports WHERE adapter_id = ?'),
}));

function toRecord(library: Library, row: AdapterRow): AdapterRecord {
  const where = `adapters row ${row.id}`;
  return {
    id: row.id,
    name: row.name,
    runId: row.run_id,
    modelId: row.model_id,
    datasetId: row.dataset_id,
    path: library.resolve(row.path),
    parameterCount: row.parameter_count,
    targetModules: readJson(modulesSchema, row.target_modules, `${where}, target_modules`),
    weightsSha256: row.weights_sha256,
    base: {
      architecture: row.base_architecture,
      configSha256: row.base_config_sha256,
      weightFiles: readJson(weightFilesSchema, row.base_weight_files, `${where}, base_weight_files`),
    },
    metrics: readJson(metricsSchema, row.metrics, `${where}, metrics`),
    notes: row.notes,
    tags: readJson(tagsSchema, row.tags, `${where}, tags`),
    createdAt: row.created_at,
  };
}

export function getAdapter(library: Library, id: number): AdapterRecord {
  const row = statements(library.db).get.get(id);
  if (!row) throw new NotFoundError('adapter', id);
  return toRecord(library, row);
}

export function listAdapters(library: Library, filter: AdapterFilter = {}): AdapterRecord[] {
  return statements(library.db)
    .list.all()
    .filter((row) => (filter.modelId === undefined || row.model_id === filter.modelId) && (filter.runId === undefined || row.run_id === filter.runId))
    .map((row) => toRecord(library, row));
}

/** Brings a finished run's adapter (in the run's folder) into the library and records it. */
export async function registerAdapter(library: Library, run: RunRecord): Promise<AdapterRecord> {
  const config = await readAdapterConfig(run.path);
  const staging = await createStagingFolder(library.folder('adapters'));
  try {
    for (const file of [ADAPTER_WEIGHTS_FILE, ADAPTER_CONFIG_FILE]) await linkOrCopy(join(run.path, file), join(staging, file));
    const final = join(library.folder('adapters'), randomUUID());
    const row: Omit<AdapterRow, 'id' | 'notes' | 'tags'> = {
      name: run.name,
      run_id: run.id,
      model_id: run.modelId,
      dataset_id: run.datasetId,
      path: library.store(final),
      parameter_count: config.trainable_parameters,
      target_modules: JSON.stringify(config.target_modules),
      weights_sha256: await sha256File(join(staging, ADAPTER_WEIGHTS_FILE)),
      base_architecture: config.base_model.architecture,
      base_config_sha256: config.base_model.config_sha256,
      base_weight_files: JSON.stringify(config.base_model.weight_files.map((f) => ({ file: f.file, bytes: f.bytes, sha256: f.sha256 }))),
      metrics: JSON.stringify(config.metrics),
      created_at: new Date().toISOString(),
    };
    const id = library.db.transaction(() => {
      renameSync(staging, final);
      try {
        return Number(statements(library.db).insert.run(row).lastInsertRowid);
      } catch (error) {
        rmSync(final, { recursive: true, force: true }); // no row, so no folder either
        throw error;
      }
    }).immediate();
    return getAdapter(library, id);
  } finally {
    await library.remove(staging).catch(() => undefined); // gone already when renamed into place
  }
}

/** Deletes the adapter's row and folder, with its exports' rows and the export files inside the library. */
export async function deleteAdapter(library: Library, id: number): Promise<void> {
  const { adapter, exportPaths } = library.db.transaction(() => {
    const found = getAdapter(library, id);
    const paths = statements(library.db).exportPaths.all(id).map((row) => row.path);
    statements(library.db).remove.run(id);
    return { adapter: found, exportPaths: paths };
  }).immediate();
  await library.remove(adapter.path);
  await removeExportFiles(library, exportPaths);
}
