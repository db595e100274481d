/**
 * Streaming text and stop strings. The tiny byte-level tokenizer's ids 0..255 are the bytes
 * themselves, so a multi-byte character can be fed one byte (one token) at a time.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { StopStrings } from '../../../src/main/engine/generate/stop-strings';
import { TextStream } from '../../../src/main/engine/generate/text-stream';
import { ModelTokenizer } from '../../../src/main/engine/models/tokenizer';
import { tinyModel } from '../models/helpers/tiny';

let tokenizer: ModelTokenizer;
beforeAll(async () => {
  tokenizer = await ModelTokenizer.load(await tinyModel({ arch: 'llama', hidden: 32 }));
});
const detokenize = (ids: readonly number[]): string => tokenizer.decode(ids, { skipSpecialTokens: true });
const byteIds = (text: string): number[] => [...new TextEncoder().encode(text)];

describe('TextStream', () => {
  it('never emits a broken character, byte by byte through 2-, 3- and 4-byte UTF-8', () => {
    const text = 'héllo 👋 wörld — ok';
    expect(detokenize(byteIds(text))).toBe(text); // the premise: byte ids decode to the text
    expect(detokenize(byteIds('👋').slice(0, 2))).toContain('\uFFFD'); // and a partial character does not
    const stream = new TextStream(detokenize);
    const pieces = byteIds(text).map((id) => stream.push(id));
    pieces.push(stream.flush());
    expect(pieces.join('')).toBe(text);
    expect(pieces.filter((p) => p.includes('\uFFFD'))).toEqual([]);
    // Streaming, not waiting for the end: the first character arrives with its own byte.
    expect(pieces[0]).toBe('h');
    expect(pieces.slice(0, 3)).toEqual(['h', '', 'é']);
  });

  it('streams merged tokens as the full decode would spell them', () => {
    const ids = tokenizer.encode('The quick brown fox, the lazy dog.', { addSpecialTokens: false });
    const stream = new TextStream(detokenize);
    expect(ids.map((id) => stream.push(id)).join('') + stream.flush()).toBe(detokenize(ids));
  });

  it('a character whose bytes never complete shows as U+FFFD at the end', () => {
    const stream = new TextStream(detokenize);
    const shown = [...byteIds('a'), ...byteIds('👋').slice(0, 3)].map((id) => stream.push(id)).join('');
    expect(shown).toBe('a');
    expect(stream.flush()).toContain('\uFFFD');
  });
});

describe('StopStrings', () => {
  it('holds back what may start a stop string, and cuts where it begins', () => {
    const stops = new StopStrings(['\nUser:', 'END']);
    expect(stops.push('Hello')).toEqual({ emit: 'Hello', stopped: false });
    expect(stops.push(' there\nUs')).toEqual({ emit: ' there', stopped: false });
    expect(stops.push('er')).toEqual({ emit: '', stopped: false });
    expect(stops.push(': hi')).toEqual({ emit: '', stopped: true });
    expect(stops.stopped).toBe(true);
    expect(stops.push('more')).toEqual({ emit: '', stopped: true });
  });

  it('releases held text that turns out not to be a stop string', () => {
    const stops = new StopStrings(['\nUser:']);
    expect(stops.push('a\nUs')).toEqual({ emit: 'a', stopped: false });
    expect(stops.push('ually')).toEqual({ emit: '\nUsually', stopped: false });
    expect(stops.push('\n')).toEqual({ emit: '', stopped: false });
    expect(stops.flush()).toBe('\n');
  });

  it('stops at the earliest of several stop strings in one piece', () => {
    const stops = new StopStrings(['BB', 'A']);
    expect(stops.push('xxBBA')).toEqual({ emit: 'xx', stopped: true });
    expect(new StopStrings(['cd', 'bcd']).push('abcde')).toEqual({ emit: 'a', stopped: true });
  });

  it('refuses an empty stop string, which would stop before anything', () => {
    expect(() => new StopStrings([''])).toThrow(/must not be empty/);
  });
});
