/**
 * Strict UTF-8 decoding. Node's decoding streams replace bad bytes with U+FFFD without a word, so
 * a file saved as Latin-1 would train on garbage; here bad bytes are found and located instead.
 */
import type { Problem } from '../issues';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The text of `bytes`, or an 'invalid-utf8' problem naming the first bad byte. */
export function decodeUtf8(bytes: Uint8Array, where: string): string | Problem {
  try {
    return strict.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    return {
      code: 'invalid-utf8',
      field: null,
      message: `not valid UTF-8: byte 0x${bytes[at]!.toString(16).toUpperCase().padStart(2, '0')} at byte ${at + 1} of ${where} (save the file as UTF-8)`,
    };
  }
}

/** Index of the first byte that does not start or continue a valid sequence (RFC 3629), or -1. */
export function firstInvalidUtf8(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let i = start;
  while (i < end) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    const need = sequenceLength(b);
    if (need === 0 || i + need > end) return i;
    // The second byte's range is narrower for some leads: no overlongs, no surrogates, nothing past U+10FFFF.
    const second = bytes[i + 1]!;
    const [low, high] = b === 0xe0 ? [0xa0, 0xbf] : b === 0xed ? [0x80, 0x9f] : b === 0xf0 ? [0x90, 0xbf] : b === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    if (second < low || second > high) return i;
    for (let k = 2; k < need; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += need;
  }
  return -1;
}

/** Bytes in the sequence a lead byte starts; 0 for a byte that cannot lead. */
export function sequenceLength(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}
