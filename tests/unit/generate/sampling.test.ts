/** The sampling steps on fixed logits, against values worked out by hand from transformers' definitions. */
import { describe, expect, it } from 'vitest';
import {
  argmax,
  draw,
  GREEDY,
  nucleus,
  penalizeRepetition,
  resolveSampling,
  Sampler,
  type SamplingOptions,
  softmax,
  topKFilter,
} from '../../../src/main/engine/generate/sampling';

const f32 = (values: number[]): Float32Array => Float32Array.from(values);
const sampling = (o: Partial<SamplingOptions>): SamplingOptions => ({ ...GREEDY, temperature: 1, ...o });
const noModelDefaults = { doSample: null, temperature: null, topK: null, topP: null, repetitionPenalty: null };

describe('greedy and the repetition penalty', () => {
  it('argmax takes the first of equal maxima, as torch.argmax does', () => {
    expect(argmax(f32([1, 3, -2, 3]))).toBe(1);
    expect(argmax(f32([-5]))).toBe(0);
  });

  it('divides positive logits, multiplies negative ones, once per distinct token, and leaves the input alone', () => {
    const logits = f32([2, -2, 4, 1]);
    const out = penalizeRepetition(logits, [0, 1, 0, 1], 2);
    expect([...out]).toEqual([1, -4, 4, 1]);
    expect([...logits]).toEqual([2, -2, 4, 1]);
  });

  it('greedy with a penalty turns away from a repeated token', () => {
    const logits = f32([3, 2.5, 0]);
    expect(new Sampler(GREEDY).pick(logits, [0])).toBe(0);
    expect(new Sampler({ ...GREEDY, repetitionPenalty: 1.5 }).pick(logits, [0])).toBe(1); // 3 / 1.5 = 2 < 2.5
  });
});

describe('warpers', () => {
  it('top-k keeps the k largest and every tie with the k-th', () => {
    expect([...topKFilter(f32([1, 5, 3, 3, 0]), 2)]).toEqual([-Infinity, 5, 3, 3, -Infinity]);
    expect([...topKFilter(f32([1, 5, 3]), 1)]).toEqual([-Infinity, 5, -Infinity]);
    expect([...topKFilter(f32([1, 5, 3]), 0)]).toEqual([1, 5, 3]);
  });

  it('top-p keeps the most probable tokens until their mass reaches p, and always the first', () => {
    const logits = f32([Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)]);
    const kept = (p: number): number[] => [...nucleus(logits, p)].map((x) => (x > 0 ? 1 : 0));
    expect(kept(0.5)).toEqual([1, 0, 0, 0]); // 0.5 reaches 0.5
    expect(kept(0.6)).toEqual([1, 1, 0, 0]);
    expect(kept(0.85)).toEqual([1, 1, 1, 0]); // 0.95 >= 0.85 only with the third
    expect(kept(0.01)).toEqual([1, 0, 0, 0]);
    expect(kept(1)).toEqual([1, 1, 1, 1]);
    const probs = nucleus(logits, 0.6);
    expect(probs[0]).toBeCloseTo(0.5, 6);
    expect(probs[1]).toBeCloseTo(0.3, 6);
  });

  it('softmax of -Infinity is zero; draw walks the cumulative weights', () => {
    expect([...softmax(f32([0, -Infinity, 0]))]).toEqual([0.5, 0, 0.5]);
    const w = Float64Array.from([0, 0.25, 0, 0.75]);
    expect(draw(w, 0)).toBe(1);
    expect(draw(w, 0.2499)).toBe(1);
    expect(draw(w, 0.25)).toBe(3);
    expect(draw(w, 0.99999)).toBe(3);
  });

  it('temperature flattens or sharpens the distribution it samples from', () => {
    const logits = f32([2, 0]);
    const share = (temperature: number): number => {
      const sampler = new Sampler(sampling({ temperature, seed: 1 }));
      let zeros = 0;
      for (let i = 0; i < 4000; i++) if (sampler.pick(logits, []) === 0) zeros++;
      return zeros / 4000;
    };
    const p = (t: number): number => 1 / (1 + Math.exp(-2 / t)); // softmax([2, 0] / t)[0]
    expect(share(1)).toBeCloseTo(p(1), 1);
    expect(share(4)).toBeCloseTo(p(4), 1);
    expect(share(0.25)).toBeGreaterThan(0.99);
  });
});

describe('Sampler', () => {
  const logits = f32([0.1, 1.2, 0.7, -0.3, 1.0, 0.2]);

  it('equal seeds draw equal tokens; other seeds draw others', () => {
    const run = (seed: number): number[] => {
      const sampler = new Sampler(sampling({ seed }));
      return Array.from({ length: 40 }, () => sampler.pick(logits, []));
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
    expect(new Set(run(7)).size).toBeGreaterThan(2);
  });

  it('draws in proportion to the kept probabilities, and never outside top-k and top-p', () => {
    const sampler = new Sampler(sampling({ seed: 3, topK: 3, topP: 0.9 }));
    const counts = new Array<number>(logits.length).fill(0);
    const n = 6000;
    for (let i = 0; i < n; i++) counts[sampler.pick(logits, [])]! += 1;
    // Top 3 are ids 1, 4, 2; their softmax masses are about 0.40, 0.33, 0.27, so 0.9 needs all three.
    expect(counts[0] + counts[3]! + counts[5]!).toBe(0);
    const kept = softmax(f32([1.2, 1.0, 0.7]));
    expect(counts[1]! / n).toBeCloseTo(kept[0]!, 1);
    expect(counts[4]! / n).toBeCloseTo(kept[1]!, 1);
    expect(counts[2]! / n).toBeCloseTo(kept[2]!, 1);
  });

  it('refuses options that mean nothing', () => {
    expect(() => new Sampler(sampling({ topP: 0 }))).toThrow(/top-p 0/);
    expect(() => new Sampler(sampling({ temperature: -1, topK: 1.5 }))).toThrow(/temperature -1.*top-k 1.5/);
  });
});

describe('resolveSampling', () => {
  it('is greedy unless the user or the model asks for sampling', () => {
    expect(resolveSampling({}, noModelDefaults)).toEqual(GREEDY);
    expect(resolveSampling({ repetitionPenalty: 1.1 }, { ...noModelDefaults, temperature: 0.6, topP: 0.9 })).toEqual({ ...GREEDY, repetitionPenalty: 1.1 });
  });

  it("takes the model's generation_config.json when it samples, and the user's flags over it", () => {
    const model = { doSample: true, temperature: 0.6, topK: 20, topP: 0.95, repetitionPenalty: 1.05 };
    expect(resolveSampling({}, model)).toEqual({ temperature: 0.6, topK: 20, topP: 0.95, repetitionPenalty: 1.05, seed: 0 });
    expect(resolveSampling({ temperature: 0 }, model)).toEqual({ ...GREEDY, repetitionPenalty: 1.05 });
    expect(resolveSampling({ temperature: 1.2, topK: 0, seed: 9 }, model)).toEqual({ temperature: 1.2, topK: 0, topP: 0.95, repetitionPenalty: 1.05, seed: 9 });
    // transformers' top_k default of 50 when sampling and nobody set one.
    expect(resolveSampling({ temperature: 0.8 }, noModelDefaults).topK).toBe(50);
  });
});
