/**
 * Finds the rows of a JSON document in a byte stream without parsing the document: the elements
 * of its top-level list, or of the "data" list of a top-level object ({"data": [...]}). Only the
 * structure is tracked (string and escape state, bracket depth, line), so memory is one element,
 * not the file; each element's bytes are then decoded and parsed on their own, and a bad one is
 * reported without hiding the rest. JSON's structural characters are ASCII, so scanning UTF-8
 * bytes is exact.
 */

/** An element's bytes, or what stopped it from being one. */
export type JsonElement =
  | { index: number; line: number; bytes: Buffer; complete: boolean }
  | { index: number; line: number; tooLong: true }
  | { index: number; line: number; layout: 'invalid-json' | 'cut-short'; message: string };

/** The document is not a list of rows at all. */
export class JsonLayoutError extends Error {
  override name = 'JsonLayoutError';
}

/** Key of a top-level object whose value is the list of rows. */
export const ROWS_KEY = 'data';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_LIST = 0x5b;
const CLOSE_LIST = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const NEWLINE = 0x0a;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

interface OpenElement {
  line: number;
  parts: Buffer[];
  size: number;
  /** Offset in the current chunk where its bytes resume. */
  start: number;
  tooLong: boolean;
}

export class JsonElementScanner {
  #depth = 0;
  #inString = false;
  #escaped = false;
  #line = 1;
  #root: 'none' | 'list' | 'object' | 'done' = 'none';
  /** The document is an object (which must hold a "data" list); stays true once it is done. */
  #isObject = false;
  /** Depth at which rows sit: 1 in a top-level list, 2 in {"data": [...]}; -1 before and after. */
  #rowDepth = -1;
  #rowsClosed = false;
  #count = 0;
  #element: OpenElement | null = null;
  // Keys of a top-level object, to find "data".
  #expectKey = false;
  #key: Buffer[] | null = null;
  #keyStart = 0;
  #lastKey: string | null = null;
  readonly #keys: string[] = [];

  constructor(private readonly maxElementBytes: number) {}

  /** Elements completed within `chunk`. */
  push(chunk: Buffer): JsonElement[] {
    const out: JsonElement[] = [];
    if (this.#element) this.#element.start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === NEWLINE) this.#line += 1;
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (b === BACKSLASH) this.#escaped = true;
        else if (b === QUOTE) {
          this.#inString = false;
          if (this.#key) this.#endKey(chunk, i);
        }
        continue;
      }
      if (isSpace(b)) continue;
      if (this.#root === 'none') {
        this.#startRoot(b);
        continue;
      }
      if (this.#root === 'done') throw new JsonLayoutError(`unexpected text after the end of the JSON document on line ${this.#line} (one JSON object per line is JSON Lines: name the file .jsonl)`);
      const atRows = this.#depth === this.#rowDepth;
      if (atRows && (b === COMMA || b === CLOSE_LIST)) {
        if (this.#element) out.push(this.#finish(chunk, i, true));
        else if (b === COMMA) out.push({ index: ++this.#count, line: this.#line, layout: 'invalid-json', message: 'an empty row: two commas in a row, or a comma right after "["' });
        if (b === CLOSE_LIST) this.#closeRows();
        continue;
      }
      if (atRows && !this.#element) this.#element = { line: this.#line, parts: [], size: 0, start: i, tooLong: false };
      this.#structure(b, i);
    }
    this.#keepTail(chunk);
    return out;
  }

  /** At the end of the file: the element or list left open, if any, as a problem. */
  end(): JsonElement[] {
    if (this.#root === 'none') throw new JsonLayoutError('the file holds no JSON (it is empty or only whitespace)');
    if (this.#isObject && this.#rowDepth === -1 && !this.#rowsClosed) {
      const keys = this.#keys.length ? this.#keys.map((k) => `"${k}"`).join(', ') : 'none';
      throw new JsonLayoutError(`a JSON object file must hold its rows in a "${ROWS_KEY}" list; its top-level keys are ${keys}`);
    }
    const open = this.#element ? [this.#finish(Buffer.alloc(0), 0, false)] : [];
    if (this.#root === 'done' || this.#rowsClosed) return open;
    // The last element may parse on its own; the missing "]" still says rows may be lost.
    const unclosed: JsonElement = {
      index: this.#count + 1,
      line: this.#line,
      layout: 'cut-short',
      message: `the file ends before the list of rows is closed (no "]"): rows after row ${this.#count} may be missing (was the file cut short?)`,
    };
    return [...open, unclosed];
  }

  #startRoot(b: number): void {
    if (b === OPEN_LIST) {
      this.#root = 'list';
      this.#rowDepth = 1;
    } else if (b === OPEN_OBJECT) {
      this.#root = 'object';
      this.#isObject = true;
      this.#expectKey = true;
    } else {
      throw new JsonLayoutError(`expected a JSON list of rows ("[") or an object with a "${ROWS_KEY}" list ("{"), found "${String.fromCharCode(b)}" on line ${this.#line}`);
    }
    this.#depth = 1;
  }

  /** Brackets, strings and keys outside the rows' own boundaries. */
  #structure(b: number, i: number): void {
    if (b === QUOTE) {
      this.#inString = true;
      if (this.#root === 'object' && this.#depth === 1 && this.#expectKey) {
        this.#key = [];
        this.#keyStart = i + 1;
      }
    } else if (b === OPEN_LIST || b === OPEN_OBJECT) {
      // The value of "data" in a top-level object is the list of rows.
      if (b === OPEN_LIST && this.#root === 'object' && this.#depth === 1 && this.#lastKey === ROWS_KEY && this.#rowDepth === -1 && !this.#rowsClosed) {
        this.#rowDepth = 2;
        }
      this.#depth += 1;
    } else if (b === CLOSE_LIST || b === CLOSE_OBJECT) {
      this.#depth -= 1;
      if (this.#depth === 0) this.#root = 'done';
    } else if (b === COMMA && this.#root === 'object' && this.#depth === 1) {
      this.#expectKey = true;
      this.#lastKey = null;
    }
  }

  #endKey(chunk: Buffer, i: number): void {
    const key = Buffer.concat([...this.#key!, chunk.subarray(this.#keyStart, i)]).toString('utf8');
    this.#key = null;
    this.#expectKey = false;
    this.#lastKey = key;
    if (this.#keys.length < 20) this.#keys.push(key);
  }

  #closeRows(): void {
    this.#rowDepth = -1;
    this.#rowsClosed = true;
    this.#depth -= 1;
    if (this.#depth === 0) this.#root = 'done';
  }

  #finish(chunk: Buffer, end: number, complete: boolean): JsonElement {
    const element = this.#element!;
    this.#element = null;
    const index = ++this.#count;
    if (element.tooLong || element.size + (end - element.start) > this.maxElementBytes) return { index, line: element.line, tooLong: true };
    const bytes = Buffer.concat([...element.parts, chunk.subarray(element.start, end)]);
    return { index, line: element.line, bytes, complete };
  }

  /** An element or key still open at the end of the chunk keeps a copy of its bytes so far. */
  #keepTail(chunk: Buffer): void {
    const element = this.#element;
    if (element && !element.tooLong) {
      const tail = chunk.length - element.start;
      if (element.size + tail > this.maxElementBytes) {
        element.tooLong = true;
        element.parts = [];
      } else {
        element.parts.push(Buffer.from(chunk.subarray(element.start)));
        element.size += tail;
      }
    }
    if (this.#key) {
      this.#key.push(Buffer.from(chunk.subarray(this.#keyStart)));
      this.#keyStart = 0;
    }
  }
}
