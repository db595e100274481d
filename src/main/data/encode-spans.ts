/**
 * Tokenizes a rendered text and marks the tokens inside given character spans. The text is
 * encoded whole (that is what the model sees) and also piece by piece at the span boundaries;
 * when the pieces add up to the whole, as they do where boundaries fall at special tokens, the
 * pieces say which tokens are inside. When they do not (a tokenizer that adds a prefix space to
 * every piece, or a merge across a boundary), each boundary is found as the longest common
 * prefix of the whole encoding and the encoding of the text up to it; a token that straddles a
 * boundary then counts as after it.
 */

export interface EncodedSpans {
  ids: number[];
  /** True for tokens inside a span. */
  inside: boolean[];
}

function commonPrefix(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i += 1;
  return i;
}

export function encodeWithSpans(encode: (text: string) => number[], text: string, spans: readonly (readonly [number, number])[]): EncodedSpans {
  const ids = encode(text);
  // Pieces: alternately outside and inside, by character offset.
  const cuts: { start: number; end: number; inside: boolean }[] = [];
  let at = 0;
  for (const [start, end] of spans) {
    if (start > at) cuts.push({ start: at, end: start, inside: false });
    if (end > start) cuts.push({ start, end, inside: true });
    at = end;
  }
  if (at < text.length) cuts.push({ start: at, end: text.length, inside: false });

  const inside: boolean[] = [];
  let matches = true;
  for (const cut of cuts) {
    const piece = encode(text.slice(cut.start, cut.end));
    for (const id of piece) {
      if (ids[inside.length] !== id) {
        matches = false;
        break;
      }
      inside.push(cut.inside);
    }
    if (!matches) break;
  }
  if (matches && inside.length === ids.length) return { ids, inside };

  // Boundaries as token counts, from prefix encodings.
  const mask = new Array<boolean>(ids.length).fill(false);
  for (const cut of cuts) {
    if (!cut.inside) continue;
    const from = cut.start === 0 ? 0 : commonPrefix(ids, encode(text.slice(0, cut.start)));
    const to = cut.end === text.length ? ids.length : commonPrefix(ids, encode(text.slice(0, cut.end)));
    for (let t = from; t < to; t++) mask[t] = true;
  }
  return { ids, inside: mask };
}
