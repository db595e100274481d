/**
 * A small byte-level BPE tokenizer, trained deterministically from a fixed text and written as a
 * Hugging Face tokenizer.json (GPT-2 style: every byte is a token, merges on top, ByteLevel
 * pre-tokenizer and decoder). Tiny models use it to keep their vocabulary near 512-1024.
 *
 * Ids: 0..255 are the 256 bytes (in byte order, spelled with GPT-2's bytes_to_unicode alphabet),
 * then one id per merge in the order learned, then the special tokens.
 */

/** GPT-2's byte -> printable character table: printable Latin-1 bytes map to themselves, the rest to U+0100 onward. */
export function bytesToUnicode(): string[] {
  const printable = (b: number): boolean => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const table: string[] = [];
  let next = 0;
  for (let b = 0; b < 256; b++) table.push(String.fromCodePoint(printable(b) ? b : 256 + next++));
  return table;
}

/** The GPT-2 pre-tokenization pattern, which tokenizer.json's ByteLevel pre-tokenizer applies with use_regex. */
const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

export interface ByteBpe {
  /** Token string -> id, bytes first, then merged tokens. */
  readonly vocab: ReadonlyMap<string, number>;
  readonly merges: readonly (readonly [string, string])[];
}

/**
 * Learns merges from `text` until the vocabulary holds `vocabSize` tokens (bytes included):
 * repeatedly merge the most frequent adjacent pair
 * (ties broken by the pair's spelling, so the result never depends on iteration order). Pairs seen
 * once merge too, so that a short text still yields vocabularies of a thousand and more; it stops
 * early only when every word is a single token.
 */
export function trainByteBpe(text: string, vocabSize: number): ByteBpe {
  const alphabet = bytesToUnicode();
  const encoder = new TextEncoder();
  const counts = new Map<string, number>();
  for (const word of text.match(GPT2_SPLIT) ?? []) {
    const spelled = [...encoder.encode(word)].map((b) => alphabet[b]!).join('\u0000');
    counts.set(spelled, (counts.get(spelled) ?? 0) + 1);
  }
  let words = [...counts].map(([spelled, count]) => ({ symbols: spelled.split('\u0000'), count }));

  const vocab = new Map<string, number>(alphabet.map((ch, i) => [ch, i]));
  const merges: [string, string][] = [];
  while (vocab.size < vocabSize) {
    const best = mostFrequentPair(words);
    if (!best) break;
    const [left, right] = best;
    merges.push([left, right]);
    if (!vocab.has(left + right)) vocab.set(left + right, vocab.size);
    words = words.map(({ symbols, count }) => ({ symbols: mergeSymbols(symbols, left, right), count }));
  }
  return { vocab, merges };
}

function mostFrequentPair(words: readonly { symbols: string[]; count: number }[]): [string, string] | null {
  const pairs = new Map<string, number>();
  for (const { symbols, count } of words) {
    for (let i = 0; i + 1 < symbols.length; i++) {
      const key = `${symbols[i]}\u0000${symbols[i + 1]}`;
      pairs.set(key, (pairs.get(key) ?? 0) + count);
    }
  }
  let bestKey: string | null = null;
  let bestCount = 0;
  for (const [key, count] of pairs) {
    if (count > bestCount || (count === bestCount && bestKey !== null && key < bestKey)) {
      bestKey = key;
      bestCount = count;
    }
  }
  return bestKey === null ? null : (bestKey.split('\u0000') as [string, string]);
}

function mergeSymbols(symbols: string[], left: string, right: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (symbols[i] === left && symbols[i + 1] === right) {
      out.push(left + right);
      i++;
    } else {
      out.push(symbols[i]!);
    }
  }
  return out;
}

/** tokenizer.json for `bpe` plus special tokens appended after the merged tokens. */
export function byteBpeTokenizerJson(bpe: ByteBpe, specialTokens: readonly string[]): Record<string, unknown> {
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specialTokens.map((content, i) => ({
      id: bpe.vocab.size + i,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: { ...byteLevel, use_regex: false },
    decoder: { ...byteLevel, use_regex: false },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(bpe.vocab),
      merges: bpe.merges.map(([a, b]) => [a, b]),
    },
  };
}
