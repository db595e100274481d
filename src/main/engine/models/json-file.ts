/**
 * JSON files of a Hugging Face folder, read with errors that name the file, and a typed reader of
 * their fields: every field read says what it expected when the value does not fit.
 */
import { readFile } from 'node:fs/promises';
import { ModelConfigError, ModelFileError } from './errors';

export type JsonObject = Record<string, unknown>;

/** Reads and parses a JSON object; `undefined` when the file does not exist and `optional` is set. */
export async function readJsonObject(path: string, what: string): Promise<JsonObject>;
export async function readJsonObject(path: string, what: string, optional: true): Promise<JsonObject | undefined>;
export async function readJsonObject(path: string, what: string, optional = false): Promise<JsonObject | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && optional) return undefined;
    if (code === 'ENOENT') throw new ModelFileError(path, `missing ${what}`, 'is this a Hugging Face model folder?');
    throw new ModelFileError(path, `cannot read ${what}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ModelFileError(path, `${what} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isJsonObject(value)) throw new ModelFileError(path, `${what} must hold a JSON object, found ${describeJson(value)}`);
  return value;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short rendering of a JSON value for error messages. */
export function describeJson(value: unknown): string {
  if (value === undefined) return 'nothing (the field is absent)';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Typed access to one JSON object's fields. Absent and `null` fields both take the default,
 * as transformers' config classes do (`null` means "use the default" there).
 */
export class JsonFields {
  constructor(
    readonly file: string,
    readonly object: JsonObject,
    /** Prefix for nested objects, e.g. "rope_scaling.". */
    readonly prefix = '',
  ) {}

  has(field: string): boolean {
    return this.object[field] !== undefined && this.object[field] !== null;
  }

  raw(field: string): unknown {
    return this.object[field];
  }

  fail(field: string, expected: string): never {
    throw new ModelConfigError(this.file, this.prefix + field, expected, describeJson(this.object[field]));
  }

  /** A positive integer (a dimension or a count). */
  int(field: string, fallback?: number): number {
    const value = this.#value(field, fallback, 'a positive integer');
    if (!Number.isSafeInteger(value) || (value as number) <= 0) this.fail(field, 'a positive integer');
    return value as number;
  }

  /** A non-negative integer (a count that may be zero). */
  count(field: string, fallback?: number): number {
    const value = this.#value(field, fallback, 'a non-negative integer');
    if (!Number.isSafeInteger(value) || (value as number) < 0) this.fail(field, 'a non-negative integer');
    return value as number;
  }

  /** A finite positive number (an epsilon, a theta, a factor). */
  positive(field: string, fallback?: number): number {
    const value = this.#value(field, fallback, 'a positive number');
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) this.fail(field, 'a positive number');
    return value;
  }

  bool(field: string, fallback?: boolean): boolean {
    const value = this.#value(field, fallback, 'true or false');
    if (typeof value !== 'boolean') this.fail(field, 'true or false');
    return value;
  }

  string(field: string, fallback?: string): string {
    const value = this.#value(field, fallback, 'a string');
    if (typeof value !== 'string') this.fail(field, 'a string');
    return value;
  }

  /** A non-negative integer or absent/null. */
  optionalId(field: string): number | null {
    if (!this.has(field)) return null;
    const value = this.object[field];
    if (!Number.isSafeInteger(value) || (value as number) < 0) this.fail(field, 'a non-negative integer or null');
    return value as number;
  }

  /** An object field, as fields of its own (errors then name "field.key"). */
  nested(field: string): JsonFields | null {
    if (!this.has(field)) return null;
    const value = this.object[field];
    if (!isJsonObject(value)) this.fail(field, 'an object or null');
    return new JsonFields(this.file, value, `${this.prefix}${field}.`);
  }

  #value(field: string, fallback: unknown, expected: string): unknown {
    if (this.has(field)) return this.object[field];
    if (fallback === undefined) this.fail(field, `${expected} (the field is required)`);
    return fallback;
  }
}
