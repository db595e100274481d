/**
 * datasets.check: the pre-flight report of a data file before it is added, so a bad file changes
 * nothing; with a library model, token lengths from its tokenizer and a preview rendered with
 * its chat template, as training will see the rows.
 */
import { realpath, stat } from 'node:fs/promises';
import { dataTokenizer, type DataTokenizer } from '../data/data-tokenizer';
import { datasetInspector } from '../data/describe-dataset';
import { renderPreview } from '../data/render-preview';
import { loadHfModel } from '../engine/models/hf-model';
import { TRAIN_DEFAULTS } from '../engine/train/train-options';
import { MissingPathError, UserInputError } from '../request-errors';
import type { DatasetReadOptions } from '../store/dataset-read-options';
import type { Library } from '../store/library';
import { getModel } from '../store/models';
import type { JsonValue } from '../store/records';
import type { DatasetCheck } from './wizard-contract';

export interface DataFileCheckRequest {
  path: string;
  readOptions?: DatasetReadOptions;
  modelId?: number;
  maxLength?: number;
}

interface MeasuringModel {
  tokenizer: DataTokenizer;
  model: NonNullable<DatasetCheck['model']>;
}

/**
 * The last model's tokenizer: a check is repeated as the max length or the options change, and
 * a large tokenizer.json takes a while to read. Keyed by folder and added time, so a model
 * deleted and added again is read afresh.
 */
let cached: { key: string; pending: Promise<MeasuringModel> } | null = null;

function measuringModel(library: Library, modelId: number): Promise<MeasuringModel> {
  const record = getModel(library, modelId);
  const key = `${record.path}\n${record.addedAt}`;
  if (cached?.key !== key) {
    const pending = loadHfModel(record.path).then((model) => ({
      tokenizer: dataTokenizer(model),
      model: { id: record.id, name: record.name, contextLength: model.config.maxPositionEmbeddings },
    }));
    cached = { key, pending };
    // A failed load is not kept: the next check tries again.
    pending.catch(() => {
      if (cached?.pending === pending) cached = null;
    });
  }
  return cached.pending;
}

export async function checkDataFile(request: DataFileCheckRequest, library: Library): Promise<DatasetCheck> {
  const { path: file, readOptions = {}, modelId, maxLength = TRAIN_DEFAULTS.maxLength } = request;
  let path: string;
  try {
    path = await realpath(file);
  } catch {
    throw new MissingPathError(file, 'file');
  }
  if (!(await stat(path)).isFile()) throw new UserInputError('path', `${file} is not a file: a dataset is one data file.`);
  const measuring = modelId === undefined ? null : await measuringModel(library, modelId);
  const tokenizer = measuring?.tokenizer ?? null;
  // The same describer datasets.add uses, so what is shown here is what the library will record (with the training defaults and no model).
  const { summary, samples } = await datasetInspector({ ...readOptions, tokenizer, maxLength })(path);
  return {
    path,
    format: summary.format,
    rows: summary.rows,
    report: summary.report as unknown as JsonValue,
    model: measuring?.model ?? null,
    maxLength,
    preview: samples.map((sample) => renderPreview(sample, tokenizer, maxLength)),
  };
}
