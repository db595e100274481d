/**
 * Incremental detokenisation: text as tokens arrive, never a broken character. A byte-level BPE
 * token may hold part of a UTF-8 sequence; decoding it alone yields U+FFFD. As in
 * text-generation-inference's decode_token, a short window of tokens is decoded twice (with and
 * without the newest ones) and the difference is emitted only once it no longer ends in U+FFFD.
 * The window starts one emission back, so decoders that treat a leading space specially
 * (SentencePiece's Metaspace) see the same context they would in the full text.
 */

/** ids -> text, special tokens already dropped or kept by the caller's choice. */
export type Detokenize = (ids: readonly number[]) => string;

const REPLACEMENT = '\uFFFD';

export class TextStream {
  readonly #ids: number[] = [];
  /** Start of the decode window. */
  #prefix = 0;
  /** Tokens before this index have been emitted as text. */
  #read = 0;

  constructor(private readonly detokenize: Detokenize) {}

  /** The window's text; an empty window is '' (tokenizers refuse to decode nothing). */
  #decode(from: number, to = this.#ids.length): string {
    return to > from ? this.detokenize(this.#ids.slice(from, to)) : '';
  }

  /** Adds a token; returns the text it completes ('' while a character is still incomplete). */
  push(id: number): string {
    this.#ids.push(id);
    const before = this.#decode(this.#prefix, this.#read);
    const after = this.#decode(this.#prefix);
    if (after.length <= before.length || after.endsWith(REPLACEMENT)) return '';
    this.#prefix = this.#read;
    this.#read = this.#ids.length;
    return after.slice(before.length);
  }

  /** At the end: whatever is still held (a character its tokens never completed shows as U+FFFD). */
  flush(): string {
    const before = this.#decode(this.#prefix, this.#read);
    const after = this.#decode(this.#prefix);
    this.#prefix = this.#read = this.#ids.length;
    return after.length > before.length ? after.slice(before.length) : '';
  }
}
