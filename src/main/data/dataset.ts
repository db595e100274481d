/**
 * A dataset as training sees it: the training file, its validation rows (a seeded split of the
 * training file, or a file of their own), train/validation overlap and the steps an epoch takes.
 * checkDataset reports; loadDataset also returns the examples, and refuses rows with errors.
 */
import { splitRows } from '../engine/train/validation-split';
import type { TrainingExample } from '../engine/train/examples';
import { DatasetFileError, DatasetRowsError } from './errors';
import { describePosition, type Position } from './issues';
import { fileCheck, issuesOf, type DatasetReport, type SplitReport } from './report';
import { usablePosition, validPosition } from './row-ledger';
import type { Format } from './formats';
import type { SampledRow } from './render-preview';
import { scanFile, type DatasetOptions, type ScannedFile } from './scan';

export interface DatasetCheckOptions extends DatasetOptions {
  /** Fraction of the training rows held out for validation (at most MAX_VALIDATION_ROWS); ignored with validationFile. */
  valSplit: number;
  seed: number;
  /** A validation file of its own instead of a split, read with the same format, columns and text unit. */
  validationFile?: string;
  batchSize: number;
  gradAccum: number;
  /** Train on the valid rows and leave the rows with errors out (still listed in the report); the file is never changed. */
  dropInvalidRows?: boolean;
}

export interface LoadedDataset {
  train: TrainingExample[];
  validation: TrainingExample[];
  report: DatasetReport;
}

interface Prepared {
  report: DatasetReport;
  train: ScannedFile;
  validation: ScannedFile | null;
  trainIndices: number[];
  validationIndices: number[];
}

function overlapMessage(match: Position): string {
  return `the same content as training ${describePosition(match)}: the validation loss on this row measures memory, not generalisation`;
}

async function prepare(path: string, options: DatasetCheckOptions, keepExamples: boolean): Promise<Prepared> {
  const train = await scanFile(path, options, keepExamples);
  let validation: ScannedFile | null = null;
  let trainIndices: number[];
  let validationIndices: number[];
  let split: SplitReport;
  if (options.validationFile) {
    const scanned = await scanFile(options.validationFile, options, keepExamples, train);
    for (const { position, match } of scanned.overlaps) scanned.log.add(position, { code: 'overlap', field: null, message: overlapMessage(validPosition(train.valid, match)) });
    validation = scanned;
    trainIndices = Array.from({ length: train.usable.count }, (_, i) => i);
    validationIndices = Array.from({ length: scanned.usable.count }, (_, i) => i);
    split = { source: 'file', fraction: null, seed: null, trainRows: trainIndices.length, validationRows: validationIndices.length, overlapRows: scanned.overlaps.length };
  } else {
    ({ train: trainIndices, validation: validationIndices } = splitRows(train.usable.count, options.valSplit, options.seed));
    // Equal rows share a group; a validation row whose group has a training row overlaps.
    const trainOfGroup = new Map<number, number>();
    for (const i of trainIndices) {
      const group = train.usable.group.get(i);
      if (!trainOfGroup.has(group)) trainOfGroup.set(group, i);
    }
    let overlapRows = 0;
    for (const v of validationIndices) {
      const match = trainOfGroup.get(train.usable.group.get(v));
      if (match === undefined) continue;
      overlapRows += 1;
      train.log.add(usablePosition(train, v), { code: 'overlap', field: null, message: overlapMessage(usablePosition(train, match)) });
    }
    split = { source: 'split', fraction: options.valSplit, seed: options.seed, trainRows: trainIndices.length, validationRows: validationIndices.length, overlapRows };
  }

  const rowsPerStep = options.batchSize * options.gradAccum;
  let supervised = 0;
  for (const i of trainIndices) supervised += train.usable.supervised.get(i);
  const trainCheck = fileCheck(train);
  const validationCheck = validation ? fileCheck(validation) : null;
  const drop = options.dropInvalidRows === true;
  const errors = trainCheck.errors + (validationCheck?.errors ?? 0);
  const report: DatasetReport = {
    // Without a tokenizer, usable rows are not known yet: only errors can make the file unready, unless they are left out.
    ok: (drop || errors === 0) && (trainCheck.tokens === null || trainIndices.length > 0) && (!drop || trainCheck.rows.usable > 0),
    invalidRowsLeftOut: drop ? trainCheck.rows.invalid + (validationCheck?.rows.invalid ?? 0) : 0,
    template: options.tokenizer ? options.tokenizer.templateKind : null,
    train: trainCheck,
    validation: validationCheck,
    split,
    estimate: {
      batchSize: options.batchSize,
      gradAccum: options.gradAccum,
      stepsPerEpoch: Math.ceil(trainIndices.length / rowsPerStep),
      supervisedTokensPerEpoch: trainCheck.tokens ? supervised : null,
    },
  };
  return { report, train, validation, trainIndices, validationIndices };
}

/** The pre-flight report of a dataset (and its validation file). */
export async function checkDataset(path: string, options: DatasetCheckOptions): Promise<DatasetReport> {
  return (await prepare(path, options, false)).report;
}

/** The pre-flight report and the first valid rows of the training file, for a preview. */
export async function inspectDataset(path: string, options: DatasetCheckOptions): Promise<{ report: DatasetReport; samples: SampledRow[] }> {
  const { report, train } = await prepare(path, options, false);
  return { report, samples: train.samples };
}

/** Where the validation rows are: the split's rows of `path`, or every usable row of the validation file. */
export async function validationRows(path: string, options: DatasetCheckOptions): Promise<{ file: string; format: Format | null; positions: Position[] }> {
  const { train, validation, validationIndices } = await prepare(path, options, false);
  const scanned = validation ?? train;
  const indices = validation ? Array.from({ length: validation.usable.count }, (_, i) => i) : validationIndices;
  return { file: scanned.file, format: scanned.detection.format, positions: indices.map((i) => usablePosition(scanned, i)) };
}

/** The training and validation examples; throws DatasetRowsError when any row has an error, unless such rows are to be left out. */
export async function loadDataset(path: string, options: DatasetCheckOptions): Promise<LoadedDataset> {
  if (!options.tokenizer) throw new Error('loadDataset needs the model\'s tokenizer');
  const { report, train, validation, trainIndices, validationIndices } = await prepare(path, options, true);
  for (const check of options.dropInvalidRows ? [] : [report.train, report.validation]) {
    if (check && check.errors > 0) throw new DatasetRowsError(check.file, issuesOf(check, 'error'), check.errors);
  }
  if (trainIndices.length === 0) throw new DatasetFileError(path, `no row has a token to learn within the first ${options.maxLength} tokens`, 'raise --max-length, or shorten the prompts');
  const examples = train.examples!;
  return {
    train: trainIndices.map((i) => examples[i]!),
    validation: validation ? validation.examples! : validationIndices.map((i) => examples[i]!),
    report,
  };
}
