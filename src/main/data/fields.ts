/**
 * Reading one field of a row with a precise complaint when it is wrong: the field as the file
 * names it, what was expected, and what was found. A column mapping renames the file's columns
 * to the fields the formats read; complaints still use the file's names.
 */
import type { ColumnMapping, KnownField } from './formats';
import { RowProblem } from './issues';
import type { RowFields } from './readers/record';

/** The row with mapped columns under our field names. */
export function applyColumns(fields: RowFields, mapping: ColumnMapping): RowFields {
  const entries = Object.entries(mapping) as [KnownField, string][];
  if (entries.length === 0) return fields;
  const out: RowFields = { ...fields };
  // A mapped column missing from this row leaves the field undefined, which reads as missing.
  for (const [field, column] of entries) out[field] = fields[column];
  return out;
}

/** Reads fields of one row, naming them as the file does. */
export class FieldReader {
  constructor(
    readonly fields: RowFields,
    private readonly mapping: ColumnMapping,
  ) {}

  /** The file's name for `field`. */
  name(field: KnownField): string {
    return this.mapping[field] ?? field;
  }

  has(field: KnownField): boolean {
    return this.fields[field] !== undefined && this.fields[field] !== null;
  }

  /** A string field; `purpose` says what it is for, in the complaint. Empty strings are refused unless `allowEmpty`. */
  string(field: KnownField, purpose: string, { allowEmpty = false } = {}): string {
    const value = this.fields[field];
    if (value === undefined || value === null) throw new RowProblem('missing-field', this.name(field), `missing; expected a string (${purpose})`);
    if (typeof value !== 'string') throw new RowProblem('wrong-type', this.name(field), `expected a string (${purpose}), found ${describeValue(value)}`);
    if (!allowEmpty && value.trim() === '') throw new RowProblem('empty', this.name(field), `empty; expected ${purpose}`);
    return value;
  }

  /** An optional string field: undefined when absent or null. */
  optionalString(field: KnownField, purpose: string): string | undefined {
    return this.has(field) ? this.string(field, purpose, { allowEmpty: true }) : undefined;
  }

  /** A list field; a string holding a JSON list (a CSV cell) is parsed. */
  list(field: KnownField, expected: string): unknown[] {
    let value = this.fields[field];
    if (value === undefined || value === null) throw new RowProblem('missing-field', this.name(field), `missing; expected ${expected}`);
    if (typeof value === 'string' && value.trimStart().startsWith('[')) {
      try {
        value = JSON.parse(value);
      } catch (error) {
        throw new RowProblem('wrong-type', this.name(field), `holds text that starts like a JSON list but does not parse (${(error as Error).message}); expected ${expected}`);
      }
    }
    if (!Array.isArray(value)) throw new RowProblem('wrong-type', this.name(field), `expected ${expected}, found ${describeValue(value)}`);
    return value;
  }
}

/** A short description of a JSON value for complaints: its type, and a glimpse of it. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'string') return value.length > 40 ? `the text "${value.slice(0, 40)}…"` : `the text "${value}"`;
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    return keys.length ? `an object with keys ${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', …' : ''}` : 'an empty object';
  }
  return `${typeof value} ${String(value)}`;
}
