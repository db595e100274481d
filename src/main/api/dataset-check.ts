/** datasets.check: the pre-flight report of a data file before it is added, so a bad file changes nothing. */
import { realpath, stat } from 'node:fs/promises';
import { datasetDescriber } from '../data/describe-dataset';
import { MissingPathError, UserInputError } from '../request-errors';
import type { DatasetReadOptions } from '../store/dataset-read-options';
import type { JsonValue } from '../store/records';
import type { DatasetCheck } from './wizard-contract';

export async function checkDataFile(file: string, readOptions: DatasetReadOptions = {}): Promise<DatasetCheck> {
  let path: string;
  try {
    path = await realpath(file);
  } catch {
    throw new MissingPathError(file, 'file');
  }
  if (!(await stat(path)).isFile()) throw new UserInputError('path', `${file} is not a file: a dataset is one data file.`);
  // The same describer datasets.add uses, so what is shown here is what the library will record.
  const summary = await datasetDescriber(readOptions)(path);
  return { path, format: summary.format, rows: summary.rows, report: summary.report as unknown as JsonValue };
}
