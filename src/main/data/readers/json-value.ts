/** One JSON record's text to fields, with the problems a row can have named the way a user can act on them. */
import type { Problem } from '../issues';
import type { RowFields } from './record';

export function isRowFields(value: unknown): value is RowFields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses one record. `complete` is false when the file ends inside it, which turns a parse
 * failure into "cut short" rather than "not valid JSON".
 */
export function parseJsonRecord(text: string, complete: boolean): { fields: RowFields } | { problem: Problem } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return complete
      ? { problem: { code: 'invalid-json', field: null, message: `not valid JSON (${detail})` } }
      : { problem: { code: 'cut-short', field: null, message: 'the file ends in the middle of this row, so it is incomplete JSON (was the file cut short by an interrupted download or copy?)' } };
  }
  if (!isRowFields(value)) {
    const found = value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    return { problem: { code: 'not-an-object', field: null, message: `each row must be a JSON object {...}, found ${found}` } };
  }
  return { fields: value };
}
