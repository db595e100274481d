/**
 * Adding a dataset: copy the file into the library under its content hash, describe it, and
 * record it. The same content added twice is one dataset.
 *
 * Datasets are copied, never hard-linked (unlike models): people edit data files in place, and
 * a linked copy would change with them, silently, under runs that trained on the old content.
 *
 * What a file contains (format, rows, token statistics, the pre-flight report) is the data
 * layer's business (src/main/data/describe-dataset.ts); the library records what it says.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { sha256File } from '../fs/hash';
import { BusyError, UserInputError } from '../request-errors';
import { findDatasetByContent, insertDataset } from './datasets';
import { datasetDescriber } from '../data/describe-dataset';
import type { DatasetReadOptions } from './dataset-read-options';
import type { Library } from './library';
import { linkOrCopy } from './link-or-copy';
import type { DatasetRecord } from './records';
import { createStagingFolder } from './staging';

/** What the library records about a data file's contents; the objects are stored as JSON. */
export interface DatasetDescription {
  format: string;
  rows: number;
  tokenStats: object | null;
  report: object | null;
}

/** Describes a data file (its bytes are already in the library), read as `readOptions` say. */
export type DescribeDataset = (file: string, readOptions: DatasetReadOptions) => Promise<DatasetDescription>;

/** The data layer's check with the training defaults; without a model, token statistics cover pre-tokenized rows only. */
const describeWithDataLayer: DescribeDataset = (file, readOptions) => datasetDescriber(readOptions)(file);

export interface AddDatasetOptions {
  name?: string;
  /** How to read the file: stored with the dataset and used by every run on it. */
  readOptions?: DatasetReadOptions;
  describe?: DescribeDataset;
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
}

export interface AddDatasetResult {
  dataset: DatasetRecord;
  /** false when the library already held this exact content. */
  added: boolean;
}

export async function addDataset(library: Library, file: string, options: AddDatasetOptions = {}): Promise<AddDatasetResult> {
  const { describe = describeWithDataLayer, onProgress, readOptions = {} } = options;
  const source = await realpath(file);
  if (!(await stat(source)).isFile()) throw new UserInputError('path', `${file} is not a file: a dataset is one data file.`);
  const sha256 = await sha256File(source);
  const known = findDatasetByContent(library, sha256);
  if (known) return { dataset: known, added: false };

  const staging = await createStagingFolder(library.folder('datasets'));
  try {
    const fileName = basename(source);
    const copy = join(staging, fileName);
    await linkOrCopy(source, copy, onProgress, false);
    const copied = await sha256File(copy);
    if (copied !== sha256) throw new BusyError(file, `${file} changed while it was being copied; add it again once nothing is writing to it.`);
    // The report names the user's file, whose lines they can go and fix; the copy is the same bytes (checked above).
    const description = await describe(source, readOptions);
    const { size } = await stat(copy);
    const final = join(library.folder('datasets'), sha256.slice(0, 16));
    return library.db.transaction((): AddDatasetResult => {
      const existing = findDatasetByContent(library, sha256);
      if (existing) return { dataset: existing, added: false };
      if (existsSync(final)) rmSync(final, { recursive: true, force: true }); // left by a crash before its row was written
      renameSync(staging, final);
      const dataset = insertDataset(library, {
        name: options.name?.trim() || fileName,
        path: join(final, fileName),
        sourcePath: source,
        contentSha256: sha256,
        readOptions,
        format: description.format,
        rows: description.rows,
        sizeBytes: size,
        tokenStats: description.tokenStats,
        report: description.report,
      });
      return { dataset, added: true };
    }).immediate();
  } finally {
    await library.remove(staging).catch(() => undefined); // gone already when renamed into place
  }
}
