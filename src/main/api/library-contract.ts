/**
 * The library's part of the API contract: models, datasets, runs, adapters, exports and the
 * data folder setting. Like contract.ts, free of Node imports (the renderer typechecks it).
 */
import * as v from 'valibot';
import type {
  AdapterRecord,
  CheckpointRecord,
  DatasetRecord,
  ExportRecord,
  MetricPoint,
  ModelAddProgressEvent,
  ModelRecord,
  RunComparison,
  RunRecord,
  RunStepEvent,
  RunValidationEvent,
} from '../store/records';
import { RUN_STATUSES } from '../store/records';
import { datasetReadOptionsSchema } from '../store/dataset-read-options';
import { runSettingsInputSchema } from '../store/run-settings-schema';
import { method } from './method';

export type * from '../store/records';

const id = v.pipe(v.number(), v.integer(), v.minValue(1));
const byId = v.strictObject({ id });
const name = v.pipe(v.string(), v.trim(), v.minLength(1, 'A name cannot be empty.'), v.maxLength(200));
const rename = v.strictObject({ id, name });
const tag = v.strictObject({ id, tags: v.array(v.pipe(v.string(), v.maxLength(64))) });
const annotate = v.strictObject({ id, notes: v.pipe(v.string(), v.maxLength(20_000)) });
const path = v.pipe(v.string(), v.minLength(1));

/** What a deletion returns: the id that is gone. */
export interface Deleted {
  id: number;
}

export interface AddModelResult {
  model: ModelRecord;
  /** false when the library already held this exact model (same config and weight hashes). */
  added: boolean;
  /** Entries of the folder left out, each with the reason. */
  skipped: string[];
}

export interface AddDatasetResult {
  dataset: DatasetRecord;
  added: boolean;
}

export interface RunDetail {
  run: RunRecord;
  model: ModelRecord;
  dataset: DatasetRecord;
  checkpoints: CheckpointRecord[];
  /** The adapter it produced, once completed (and while the adapter exists). */
  adapter: AdapterRecord | null;
}

export type LineageCheck = { fits: true } | { fits: false; message: string; differences: string[] };

export interface DataDirectorySetting {
  /** The folder the app uses now. */
  inUse: string;
  /** The folder the next start will use. */
  next: string;
  source: 'environment' | 'setting' | 'default';
  chosen: string | null;
  default: string;
  environmentOverride: string | null;
  /** True when `next` differs from `inUse`: restart to switch. */
  restartRequired: boolean;
}

export const libraryMethods = {
  'models.list': method<ModelRecord[]>()('Models in the library.', v.strictObject({})),
  'models.get': method<ModelRecord>()('One model.', byId),
  'models.add': method<AddModelResult>()(
    'Adds a Hugging Face model folder to the library (hard links where possible, else a copy; models.addProgress reports it). The folder is never modified.',
    v.strictObject({ path, name: v.optional(name), copy: v.optional(v.boolean()) }),
  ),
  'models.rename': method<ModelRecord>()('Renames a model.', rename),
  'models.tag': method<ModelRecord>()("Replaces a model's tags.", tag),
  'models.delete': method<Deleted>()('Deletes a model and its library folder; refused while runs or adapters use it.', byId),

  'datasets.list': method<DatasetRecord[]>()('Datasets in the library.', v.strictObject({})),
  'datasets.get': method<DatasetRecord>()('One dataset.', byId),
  'datasets.add': method<AddDatasetResult>()(
    'Copies a data file into the library, addressed by its content hash, with its pre-flight report; readOptions (format, columns, text unit) are kept for every run on it.',
    v.strictObject({ path, name: v.optional(name), readOptions: v.optional(datasetReadOptionsSchema) }),
  ),
  'datasets.rename': method<DatasetRecord>()('Renames a dataset.', rename),
  'datasets.tag': method<DatasetRecord>()("Replaces a dataset's tags.", tag),
  'datasets.delete': method<Deleted>()("Deletes a dataset and the library's copy; refused while runs use it.", byId),

  'runs.list': method<RunRecord[]>()(
    'Runs, optionally of one status, model or dataset.',
    v.strictObject({ status: v.optional(v.picklist(RUN_STATUSES)), modelId: v.optional(id), datasetId: v.optional(id) }),
  ),
  'runs.get': method<RunDetail>()('A run with its model, dataset, checkpoints and adapter.', byId),
  'runs.metrics': method<MetricPoint[]>()("A run's metrics after a step (all by default), for loss charts.", v.strictObject({ id, afterStep: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))) })),
  'runs.compare': method<RunComparison>()('Runs side by side: differing settings, results and loss curves.', v.strictObject({ ids: v.pipe(v.array(id), v.minLength(2), v.maxLength(12)) })),
  'runs.start': method<RunRecord>()(
    "Starts training a model on a dataset (queued behind a run already training here); progress comes as runs.status, runs.step and runs.validation events. Unset settings take the trainer's defaults.",
    v.strictObject({ modelId: id, datasetId: id, name: v.optional(name), settings: v.optional(runSettingsInputSchema) }),
  ),
  'runs.pause': method<RunRecord>()('Pauses a running run after its current step.', byId),
  'runs.resume': method<RunRecord>()(
    'Continues a paused run, or an interrupted, cancelled or failed one from its newest checkpoint whose files verify; fromStart discards its progress instead.',
    v.strictObject({ id, fromStart: v.optional(v.boolean()) }),
  ),
  'runs.cancel': method<RunRecord>()('Stops a run after its current step, with a checkpoint so it can be resumed.', byId),
  'runs.rename': method<RunRecord>()('Renames a run.', rename),
  'runs.tag': method<RunRecord>()("Replaces a run's tags.", tag),
  'runs.annotate': method<RunRecord>()("Replaces a run's notes.", annotate),
  'runs.delete': method<Deleted>()('Deletes a run with its folder, metrics and checkpoints; its adapter stays.', byId),

  'adapters.list': method<AdapterRecord[]>()('Adapters, optionally of one model or run.', v.strictObject({ modelId: v.optional(id), runId: v.optional(id) })),
  'adapters.get': method<AdapterRecord>()('One adapter.', byId),
  'adapters.rename': method<AdapterRecord>()('Renames an adapter.', rename),
  'adapters.tag': method<AdapterRecord>()("Replaces an adapter's tags.", tag),
  'adapters.annotate': method<AdapterRecord>()("Replaces an adapter's notes.", annotate),
  'adapters.delete': method<Deleted>()('Deletes an adapter, its folder and its exports (export files outside the library stay).', byId),
  'adapters.checkLineage': method<LineageCheck>()(
    'Whether an adapter fits a base model: same architecture, config and weight hashes as it was trained on.',
    v.strictObject({ adapterId: id, modelId: id }),
  ),

  'exports.list': method<ExportRecord[]>()('Exports, optionally of one adapter.', v.strictObject({ adapterId: v.optional(id) })),
  'exports.delete': method<Deleted>()('Deletes an export record, and its file when it is inside the library.', byId),

  'settings.dataDirectory': method<DataDirectorySetting>()('The data folder in use, where it comes from, and the one the next start will use.', v.strictObject({})),
  'settings.setDataDirectory': method<DataDirectorySetting>()(
    'Chooses the data folder for the next start (an absolute path; null: the platform default). Nothing is moved.',
    v.strictObject({ path: v.nullable(path) }),
  ),
} as const;

export interface LibraryEvents {
  'runs.status': RunRecord;
  'runs.step': RunStepEvent;
  'runs.validation': RunValidationEvent;
  'models.addProgress': ModelAddProgressEvent;
}
