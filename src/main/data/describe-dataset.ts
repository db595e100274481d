/**
 * What the library records about a data file: the format it was read as, its rows, its token
 * statistics and the whole pre-flight report. Shaped as the store's `describe` hook
 * (src/main/store/dataset-import.ts), which copies the file under its content hash and records
 * what this says about the copy.
 */
import { TRAIN_DEFAULTS } from '../engine/train/train-options';
import { inspectDataset, type DatasetCheckOptions } from './dataset';
import type { SampledRow } from './render-preview';
import type { DatasetReport } from './report';
import type { TokenStats } from './token-stats';

export interface DatasetSummary {
  /** "<file type>:<format>", e.g. "jsonl:chat", or the file type alone when no row was readable. */
  format: string;
  /** Rows read; with dropInvalidRows, the valid rows only (the others are not part of what training sees). */
  rows: number;
  tokenStats: TokenStats | null;
  report: DatasetReport;
}

/** A summary and the first valid rows, for a preview beside it (datasets.check); the library keeps only the summary. */
export function datasetInspector(options: Partial<DatasetCheckOptions> = {}): (file: string) => Promise<{ summary: DatasetSummary; samples: SampledRow[] }> {
  const d = TRAIN_DEFAULTS;
  return async (file) => {
    const { report, samples } = await inspectDataset(file, { maxLength: d.maxLength, valSplit: d.valSplit, seed: d.seed, batchSize: d.batchSize, gradAccum: d.gradAccum, ...options });
    const { fileType, detection, rows, tokens } = report.train;
    const count = options.dropInvalidRows ? rows.valid : rows.total;
    return { summary: { format: detection.format ? `${fileType}:${detection.format}` : fileType, rows: count, tokenStats: tokens, report }, samples };
  };
}

/** A describe function with these options (a model's tokenizer, for token statistics); training defaults for the rest. */
export function datasetDescriber(options: Partial<DatasetCheckOptions> = {}): (file: string) => Promise<DatasetSummary> {
  const inspect = datasetInspector(options);
  return async (file) => (await inspect(file)).summary;
}
