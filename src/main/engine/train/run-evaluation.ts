/**
 * `eval`: the mean loss over every supervised token of a data file, for the base model or with
 * an adapter (refused when it was trained on another base model).
 */
import { resolve } from 'node:path';
import { loadAdapter } from '../adapters/adapter-files';
import { adapterLayout, identityAdapterVector } from '../models/adapter-layout';
import { loadHfModel } from '../models/hf-model';
import { computeModelIdentity } from '../models/identity';
import { dataTokenizer } from '../../data/data-tokenizer';
import { loadDataset } from '../../data/dataset';
import type { ColumnMapping, Format } from '../../data/formats';
import type { TextUnit } from '../../data/readers/txt';
import { evaluateExamples } from './evaluate';
import type { BackendFactory } from './run-training';
import { lengthBuckets, type DeviceChoice } from './train-options';

export interface EvalOptions {
  model: string;
  data: string;
  /** Read every row as this format; default: detected. */
  format?: Format;
  /** Our field names -> the data file's columns. */
  columns?: ColumnMapping;
  textUnit?: TextUnit;
  /** Evaluate the valid rows, leaving out the rows with errors. */
  dropInvalidRows?: boolean;
  /** Adapter folder; without it the base model is evaluated. */
  adapter?: string;
  batchSize: number;
  maxLength: number;
  device: DeviceChoice;
  threads?: number;
}

export interface EvalResult {
  loss: number;
  tokens: number;
  rows: number;
  adapter: string | null;
  device: 'cuda' | 'cpu';
}

export async function runEvaluation(options: EvalOptions, createBackend: BackendFactory): Promise<EvalResult> {
  const model = await loadHfModel(resolve(options.model));
  // Every usable row is evaluated: no split, all rows on the training side.
  const { train: examples } = await loadDataset(resolve(options.data), {
    format: options.format,
    columns: options.columns,
    textUnit: options.textUnit,
    dropInvalidRows: options.dropInvalidRows,
    tokenizer: dataTokenizer(model),
    maxLength: options.maxLength,
    valSplit: 0,
    seed: 0,
    batchSize: options.batchSize,
    gradAccum: 1,
  });
  let layout = adapterLayout(model.spec);
  let params = identityAdapterVector(layout);
  if (options.adapter) {
    const identity = await computeModelIdentity(model.dir, model.config, model.weights);
    const adapter = await loadAdapter(resolve(options.adapter), model.spec, identity, model.dir);
    layout = adapter.layout;
    params = adapter.vector;
  }
  const buckets = lengthBuckets(options.maxLength);
  const backend = await createBackend(model, layout, { buckets, batchSize: options.batchSize, device: options.device, threads: options.threads });
  try {
    const padTokenId = model.tokenizer.padTokenId ?? model.eosTokenIds[0] ?? 0;
    const { loss, tokens } = await evaluateExamples(backend, examples, params, { batchSize: options.batchSize, maxLength: options.maxLength, buckets, padTokenId });
    return { loss, tokens, rows: examples.length, adapter: options.adapter ? resolve(options.adapter) : null, device: backend.device };
  } finally {
    await backend.release();
  }
}
