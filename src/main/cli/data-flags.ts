/**
 * How to read a data file, as command-line flags, for every command that reads one (`data
 * check`, `train`, `eval`): one list, so they cannot drift apart.
 */
import type { Command } from 'commander';
import { FORMAT_NAMES, KNOWN_FIELDS, type ColumnMapping, type Format } from '../data/formats';
import { TEXT_UNITS, type TextUnit } from '../data/readers/txt';
import { columnMapping, oneOf } from './parse';

export interface DataFlags {
  format?: Format;
  columns?: ColumnMapping;
  textUnit: TextUnit;
  /** Train on the valid rows, leaving out (and still listing) the rows with errors. */
  dropInvalidRows?: boolean;
}

export function addDataFlags(command: Command): Command {
  return command
    .option('--format <format>', `read every row as this format (default: detected from the first rows): ${FORMAT_NAMES.join(', ')}`, oneOf<Format>(FORMAT_NAMES))
    .option('--columns <pairs>', `the file's columns for our fields, e.g. prompt=question,completion=answer (fields: ${KNOWN_FIELDS.join(', ')})`, columnMapping)
    .option('--text-unit <unit>', 'rows of a .txt file: one per line, or per paragraph', oneOf<TextUnit>(TEXT_UNITS), 'line')
    .option('--drop-invalid-rows', 'leave out the rows with errors (still listed) and use the rest; the file is not changed');
}
