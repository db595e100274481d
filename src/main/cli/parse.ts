/** Option parsers for commander that fail with the flag's name and what it expects. */
import { InvalidArgumentError } from 'commander';
import { KNOWN_FIELDS, type ColumnMapping, type KnownField } from '../data/formats';

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected an integer >= 0, got "${value}"`);
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a number > 0, got "${value}"`);
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected a number >= 0, got "${value}"`);
  return n;
}

export function fraction(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n >= 1) throw new InvalidArgumentError(`expected a fraction in [0, 1), got "${value}"`);
  return n;
}

export function probability(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 1) throw new InvalidArgumentError(`expected a number in (0, 1], got "${value}"`);
  return n;
}

export function oneOf<T extends string>(choices: readonly T[]) {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got "${value}"`);
    }
    return value as T;
  };
}

/** "prompt=question,completion=answer": our field names to the file's columns. */
export function columnMapping(value: string): ColumnMapping {
  const mapping: ColumnMapping = {};
  for (const pair of value.split(',').map((item) => item.trim()).filter(Boolean)) {
    const [field, column, ...rest] = pair.split('=').map((part) => part.trim());
    if (!field || !column || rest.length > 0) throw new InvalidArgumentError(`expected field=column pairs separated by commas, got "${pair}"`);
    if (!(KNOWN_FIELDS as readonly string[]).includes(field)) throw new InvalidArgumentError(`"${field}" is not a field we read; expected one of ${KNOWN_FIELDS.join(', ')}`);
    mapping[field as KnownField] = column;
  }
  return mapping;
}
