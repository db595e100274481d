/**
 * Generation's ending rules and streaming, on a scripted session whose logits make greedy
 * decoding pick a given sequence of tokens. Tokens are bytes and text is their UTF-8 decoding.
 */
import { describe, expect, it } from 'vitest';
import { type GenerateOptions, Generation, type GenerationEvent, type StepSession, stream } from '../../../src/main/engine/generate/generation';
import { type KvCache, prefillChunkAt } from '../../../src/main/engine/generate/generation-session';
import { GREEDY } from '../../../src/main/engine/generate/sampling';

const V = 300;
const EOS = 299;
const bytes = (text: string): number[] => [...new TextEncoder().encode(text)];
const decode = (ids: readonly number[]): string => new TextDecoder().decode(Uint8Array.from(ids.filter((id) => id < 256)));

/** Greedy picks `script[i]` after i generated tokens; counts the session runs. */
function scripted(script: readonly number[], maxPositions = 1000): StepSession & { runs: number[][] } {
  const runs: number[][] = [];
  let produced = -1; // the prefill's logits give the first scripted token
  return {
    runs,
    maxPositions,
    emptyCache: (): KvCache => ({ length: 0, layers: [] }),
    extend: async (cache, tokens) => {
      runs.push([...tokens]);
      produced += 1;
      const logits = new Float32Array(V);
      logits[script[produced] ?? 0] = 1;
      return { logits, cache: { length: cache.length + tokens.length, layers: [] } };
    },
  };
}

const options = (o: Partial<GenerateOptions> = {}): GenerateOptions => ({ maxNewTokens: 50, sampling: GREEDY, eosTokenIds: [EOS], detokenize: decode, ...o });

async function events(session: StepSession, o: Partial<GenerateOptions> = {}, prompt = [1, 2, 3]): Promise<GenerationEvent[]> {
  const all: GenerationEvent[] = [];
  for await (const e of stream(await Generation.start(session, prompt, new Float32Array(0), options(o)))) all.push(e);
  return all;
}

const texts = (all: GenerationEvent[]): string[] => all.flatMap((e) => (e.type === 'token' ? [e.text] : []));
const endOf = (all: GenerationEvent[]) => {
  const last = all[all.length - 1]!;
  if (last.type !== 'end') throw new Error('no end event');
  return last.result;
};

describe('Generation', () => {
  it('streams each token as it comes and stops at an end-of-sequence token, without running it', async () => {
    const session = scripted([...bytes('hi!'), EOS, ...bytes('never')]);
    const all = await events(session);
    expect(texts(all)).toEqual(['h', 'i', '!', '']);
    const result = endOf(all);
    expect(result).toMatchObject({ text: 'hi!', tokens: [...bytes('hi!'), EOS], reason: 'eos', promptTokens: 3 });
    expect(session.runs).toEqual([[1, 2, 3], [104], [105], [33]]); // prefill, then one run per token before EOS
  });

  it('never emits a broken UTF-8 character, and completes it when its last byte arrives', async () => {
    const text = 'añ👋z';
    const all = await events(scripted([...bytes(text), EOS]));
    expect(texts(all).join('')).toBe(text);
    expect(texts(all).some((t) => t.includes('\uFFFD'))).toBe(false);
    expect(texts(all)).toEqual(['a', '', 'ñ', '', '', '', '👋', 'z', '']);
  });

  it('cuts at a stop string spread over several tokens, which no event ever shows', async () => {
    const all = await events(scripted(bytes('answer 42\nUser: more')), { stopStrings: ['\nUser:'] });
    expect(texts(all).join('')).toBe('answer 42');
    expect(endOf(all)).toMatchObject({ text: 'answer 42', reason: 'stop' });
    expect(endOf(all).tokens).toEqual(bytes('answer 42\nUser:'));
  });

  it('releases text held for a stop string that never completes when the tokens run out', async () => {
    const all = await events(scripted(bytes('ok\nUs')), { stopStrings: ['\nUser:'], maxNewTokens: 5 });
    expect(texts(all)).toEqual(['o', 'k', '', '', '\nUs']);
    expect(endOf(all)).toMatchObject({ text: 'ok\nUs', reason: 'length' });
  });

  it('stops after maxNewTokens with no run for the last token', async () => {
    const session = scripted(bytes('abcdefgh'));
    const all = await events(session, { maxNewTokens: 4 });
    expect(endOf(all)).toMatchObject({ text: 'abcd', reason: 'length', tokens: bytes('abcd') });
    expect(session.runs).toHaveLength(4); // the prefill and three decode steps
  });

  it("stops when the model's context is full, and refuses a prompt that leaves no room", async () => {
    const all = await events(scripted(bytes('abcdefgh'), 6));
    expect(endOf(all)).toMatchObject({ text: 'abc', reason: 'context' }); // 3 prompt tokens + 3 = 6 positions
    await expect(Generation.start(scripted([], 3), [1, 2, 3], new Float32Array(0), options())).rejects.toThrow(/context holds 3 positions/);
  });

  it('refuses to step past the end', async () => {
    const generation = await Generation.start(scripted([EOS]), [1], new Float32Array(0), options());
    await generation.step();
    expect(generation.done).toBe(true);
    await expect(generation.step()).rejects.toThrow(/already ended \(eos\)/);
  });
});

describe('prefillChunkAt', () => {
  it('takes the full chunk while the scores fit, fewer as the cache grows, and never none', () => {
    expect(prefillChunkAt(0, 14, 256)).toBe(256);
    // 14 heads x T x (P + 256) x 4 bytes within 64 MiB: T = floor(2^26 / (56 (P + 256))).
    expect(prefillChunkAt(8192, 14, 256)).toBe(Math.floor(2 ** 26 / (56 * (8192 + 256))));
    expect(prefillChunkAt(8192, 14, 256)).toBeLessThan(256);
    expect(prefillChunkAt(10_000_000, 64, 256)).toBe(1);
  });
});
