/**
 * How a dataset's file is read: checked at the API's edge and when a stored dataset is read
 * back. valibot and the data layer's constant tables only, no Node imports: the API contract
 * uses it.
 */
import * as v from 'valibot';
import { FORMAT_NAMES, KNOWN_FIELDS } from '../data/formats';

export const datasetReadOptionsSchema = v.strictObject({
  /** Read every row as this format instead of detecting it. */
  format: v.optional(v.picklist(FORMAT_NAMES)),
  /** Our field names -> the file's columns, e.g. { prompt: 'question' }. */
  columns: v.optional(v.record(v.picklist(KNOWN_FIELDS), v.pipe(v.string(), v.minLength(1)))),
  /** How a .txt file is cut into rows (src/main/data/readers/txt.ts TEXT_UNITS). */
  textUnit: v.optional(v.picklist(['line', 'paragraph'])),
  /** Leave the rows with errors out of training (the report still lists them); the file is never changed. */
  dropInvalidRows: v.optional(v.boolean()),
});

export type DatasetReadOptions = v.InferOutput<typeof datasetReadOptionsSchema>;
