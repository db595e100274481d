/**
 * Everything a training run is configured by, with HyperAdapt's own defaults (DESIGN.md
 * section 1: the scaling vectors want far larger learning rates than LoRA's matrices; about
 * 1e-1 was best on a small llama, with warmup and clipping).
 */
import type { ColumnMapping, Format } from '../../data/formats';
import type { TextUnit } from '../../data/readers/txt';
import type { ScheduleKind } from './schedule';

export type DeviceChoice = 'auto' | 'cpu' | 'cuda';

export interface TrainOptions {
  /** Hugging Face model folder. */
  model: string;
  /** Training data file: JSONL, JSON, CSV, TSV, TXT or Parquet (see src/main/data/). */
  data: string;
  /** Read every row as this format; default: detected from the first rows. */
  format?: Format;
  /** Our field names -> the data file's columns, e.g. {prompt: 'question'}. */
  columns?: ColumnMapping;
  /** How a .txt data file is cut into rows; default 'line'. */
  textUnit?: TextUnit;
  /** A validation file; without one, valSplit of the training rows are held out. */
  validationData?: string;
  /** Train on the valid rows, leaving the rows with errors out, instead of refusing to start; the file is not changed. */
  dropInvalidRows?: boolean;
  /** Output folder: the adapter, checkpoints/ and training_log.jsonl. */
  out: string;
  /** Module names to adapt; default all seven linears of every block. */
  targets?: string[];
  lr: number;
  /** Passes over the training rows; ignored when `steps` is given. */
  epochs: number;
  steps?: number;
  batchSize: number;
  gradAccum: number;
  maxLength: number;
  schedule: ScheduleKind;
  /** Warmup steps; default 5% of the run. */
  warmup?: number;
  weightDecay: number;
  clip: number;
  seed: number;
  shuffle: boolean;
  /** Fraction of rows held out for validation (at most 1000 rows); 0 disables validation. Ignored with validationData. */
  valSplit: number;
  /** Evaluate every N steps; default about ten evaluations per run. */
  evalEvery?: number;
  /** Checkpoint every N steps; default as evalEvery. */
  saveEvery?: number;
  keepCheckpoints: number;
  /** Validation losses without improvement before stopping; 0 disables early stopping. */
  patience: number;
  minDelta: number;
  /** A checkpoint directory to continue from. */
  resume?: string;
  device: DeviceChoice;
  /** onnxruntime intra-op threads; default all cores. */
  threads?: number;
}

export const TRAIN_DEFAULTS = {
  lr: 1e-1,
  epochs: 1,
  batchSize: 4,
  gradAccum: 1,
  maxLength: 512,
  schedule: 'cosine',
  weightDecay: 0,
  clip: 1,
  seed: 42,
  shuffle: true,
  valSplit: 0.1,
  keepCheckpoints: 3,
  patience: 3,
  minDelta: 0,
  device: 'auto',
} as const satisfies Partial<TrainOptions>;

/** Most rows ever held out for validation: beyond this, evaluation costs more than it tells. */
export const MAX_VALIDATION_ROWS = 1000;

/** Sequence lengths that get a compiled graph: powers of two up to, and including, maxLength. */
export function lengthBuckets(maxLength: number): number[] {
  const buckets: number[] = [];
  for (let length = 64; length < maxLength; length *= 2) buckets.push(length);
  buckets.push(maxLength);
  return buckets;
}
