/**
 * Errors of the model loader. Each names the file (and field or tensor) it is about, what was
 * expected and what was found, so the CLI and the UI can show the same fields.
 */

/** A file of the model folder is missing, unreadable, or not the JSON it should be. */
export class ModelFileError extends Error {
  override name = 'ModelFileError';
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly hint?: string,
  ) {
    super(`${file}: ${problem}${hint ? ` (${hint})` : ''}`);
  }
}

/** A config field has the wrong type or an unsupported value. */
export class ModelConfigError extends Error {
  override name = 'ModelConfigError';
  constructor(
    readonly file: string,
    readonly field: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`${file}: field "${field}": expected ${expected}, found ${found}`);
  }
}

/** config.json names an architecture this engine cannot run. */
export class UnsupportedArchitectureError extends Error {
  override name = 'UnsupportedArchitectureError';
  constructor(
    readonly file: string,
    readonly found: string,
    readonly supported: readonly string[],
  ) {
    super(`${file}: architecture "${found}" is not supported; supported architectures: ${supported.join(', ')}`);
  }
}

export interface ShapeMismatch {
  readonly name: string;
  readonly file: string;
  readonly expected: readonly number[];
  readonly found: readonly number[];
}

export interface DtypeMismatch {
  readonly name: string;
  readonly file: string;
  readonly found: string;
}

/** The checkpoint does not hold the tensors the architecture needs, with the shapes it needs. */
export class WeightMismatchError extends Error {
  override name = 'WeightMismatchError';
  constructor(
    readonly dir: string,
    readonly missing: readonly string[],
    readonly mismatched: readonly ShapeMismatch[],
    readonly badDtypes: readonly DtypeMismatch[],
  ) {
    const parts: string[] = [];
    if (missing.length > 0) parts.push(`missing ${missing.length} tensor(s): ${listSome(missing)}`);
    if (mismatched.length > 0) {
      const shown = mismatched.map((m) => `${m.name} in ${m.file}: expected [${m.expected.join(', ')}], found [${m.found.join(', ')}]`);
      parts.push(`wrong shape for ${mismatched.length} tensor(s): ${listSome(shown)}`);
    }
    if (badDtypes.length > 0) {
      const shown = badDtypes.map((m) => `${m.name} in ${m.file} is ${m.found}`);
      parts.push(`expected F32, F16 or BF16 weights: ${listSome(shown)}`);
    }
    super(`${dir}: the weights do not match config.json: ${parts.join('; ')}`);
  }
}

/** The first few items of a long list, and how many more there are. */
function listSome(items: readonly string[], limit = 8): string {
  const shown = items.slice(0, limit).join(', ');
  return items.length > limit ? `${shown} and ${items.length - limit} more` : shown;
}
