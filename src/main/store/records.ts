/**
 * The library's records as the rest of the app sees them (the API returns these). Types only,
 * importing nothing that needs Node: the renderer typechecks the API contract, which uses them.
 */
import type * as v from 'valibot';
import type { DatasetReadOptions } from './dataset-read-options';
import type { runSettingsSchema } from './run-settings-schema';

export type { DatasetReadOptions } from './dataset-read-options';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface WeightFileRecord {
  /** Relative to the model folder. */
  file: string;
  bytes: number;
  sha256: string;
}

export interface ModelRecord {
  id: number;
  name: string;
  /** The model's own folder inside the library (absolute). */
  path: string;
  /** The folder it was added from; informative only, never written to. */
  sourcePath: string;
  architecture: string;
  parameterCount: number;
  /** Trainable HyperAdapt numbers with the default targets (every linear of every block). */
  hyperAdaptParameterCount: number;
  dtype: string;
  configSha256: string;
  weightFiles: WeightFileRecord[];
  sizeBytes: number;
  /** True when the library holds hard links to the user's files, false when it holds copies. */
  linked: boolean;
  tags: string[];
  addedAt: string;
}

export interface DatasetRecord {
  id: number;
  name: string;
  /** The library's copy (absolute), addressed by its content hash. */
  path: string;
  sourcePath: string;
  contentSha256: string;
  /** How the file is read (forced format, column mapping, text unit); {} for detection alone. */
  readOptions: DatasetReadOptions;
  /** The format it was read as, "<file type>:<format>" (e.g. "jsonl:chat"). */
  format: string;
  rows: number;
  sizeBytes: number;
  tokenStats: JsonValue | null;
  report: JsonValue | null;
  tags: string[];
  addedAt: string;
}

export const RUN_STATUSES = ['queued', 'running', 'paused', 'completed', 'failed', 'cancelled', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** A run's training settings: the trainer's options without the paths, which the library decides. */
/** A run's training settings, as its schema checks them (run-settings-schema.ts). */
export type RunSettings = v.InferOutput<typeof runSettingsSchema>;

export interface RunRecord {
  id: number;
  name: string;
  modelId: number;
  datasetId: number;
  method: 'hyperadapt';
  settings: RunSettings;
  status: RunStatus;
  /** The run's folder (absolute): checkpoints/, training_log.jsonl and the adapter as trained. */
  path: string;
  device: string | null;
  totalSteps: number | null;
  /** Optimizer steps completed. */
  step: number;
  /** For a completed run: 'completed', or 'early-stopped' when validation stopped improving. */
  stopReason: string | null;
  error: string | null;
  tags: string[];
  notes: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export type MetricSplit = 'train' | 'validation';

export interface MetricPoint {
  step: number;
  split: MetricSplit;
  /** null when the step had no supervised token. */
  loss: number | null;
  learningRate: number | null;
  tokensPerSecond: number | null;
  gradNorm: number | null;
  tokens: number | null;
}

export type CheckpointStatus = 'written' | 'valid' | 'invalid';

export interface CheckpointRecord {
  id: number;
  runId: number;
  step: number;
  path: string;
  /** 'written': complete when saved, not checked since; 'valid'/'invalid': as last verified. */
  status: CheckpointStatus;
  problem: string | null;
  createdAt: string;
  verifiedAt: string | null;
}

export interface BaseModelIdentity {
  architecture: string;
  configSha256: string;
  weightFiles: WeightFileRecord[];
}

export interface AdapterRecord {
  id: number;
  name: string;
  /** null once its run has been deleted: the adapter outlives it. */
  runId: number | null;
  modelId: number;
  datasetId: number | null;
  path: string;
  parameterCount: number;
  targetModules: string[];
  weightsSha256: string;
  /** The base model's identity when the adapter was trained (lineage). */
  base: BaseModelIdentity;
  metrics: Record<string, number | null>;
  notes: string;
  tags: string[];
  createdAt: string;
}

export interface ExportRecord {
  id: number;
  adapterId: number;
  modelId: number | null;
  format: string;
  path: string;
  sizeBytes: number | null;
  /** null: not verified; true/false: what the verification found, explained in `verification`. */
  verified: boolean | null;
  verification: string | null;
  createdAt: string;
}

export interface RunComparisonEntry {
  run: RunRecord;
  modelName: string;
  datasetName: string;
  /** Loss of the last training step recorded. */
  finalLoss: number | null;
  bestValidationLoss: number | null;
  bestValidationStep: number | null;
  /** From start to finish, for a finished run. */
  durationMs: number | null;
}

export interface RunComparison {
  runs: RunComparisonEntry[];
  /** Settings (and model, dataset) whose values are not the same for every run, in the runs' order. */
  differences: { key: string; values: JsonValue[] }[];
  /** Loss curves: [step, loss] pairs per run, in the runs' order. */
  curves: { runId: number; train: [number, number][]; validation: [number, number][] }[];
}

/** One training step of a run, as pushed to every window while it trains. */
export interface RunStepEvent {
  runId: number;
  step: number;
  totalSteps: number;
  epoch: number;
  loss: number | null;
  learningRate: number;
  gradNorm: number;
  tokensPerSecond: number;
  elapsedMs: number;
  etaMs: number;
  peakRssBytes: number;
}

export interface RunValidationEvent {
  runId: number;
  step: number;
  loss: number;
  bestLoss: number;
  bestStep: number;
}

export interface ModelAddProgressEvent {
  /** The folder being added, as given. */
  source: string;
  phase: 'checking' | 'bringing' | 'hashing';
  file: string | null;
  bytesDone: number;
  bytesTotal: number;
}
