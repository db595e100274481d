import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/main/engine/random';
import { clipGlobalNorm, globalNorm } from '../../../src/main/engine/train/clip';
import { adamWStep, DEFAULT_ADAMW, newAdamWState } from '../../../src/main/engine/train/optimizer';
import { learningRateAt } from '../../../src/main/engine/train/schedule';

describe('adamWStep', () => {
  it('moves each parameter by about lr against its gradient sign on the first step', () => {
    const params = new Float32Array([1, 1, 1]);
    const state = newAdamWState(3);
    adamWStep(params, new Float32Array([0.5, -2, 1e-3]), state, 0.1, DEFAULT_ADAMW);
    // m̂ = g and v̂ = g², so the step is lr·g/(|g| + eps).
    expect(params[0]).toBeCloseTo(0.9, 6);
    expect(params[1]).toBeCloseTo(1.1, 6);
    expect(params[2]).toBeCloseTo(1 - (0.1 * 1e-3) / (1e-3 + 1e-8), 6);
    expect(state.step).toBe(1);
  });

  it('matches a hand computation of the second step', () => {
    const params = new Float32Array([0]);
    const state = newAdamWState(1);
    const lr = 0.01;
    adamWStep(params, new Float32Array([1]), state, lr, DEFAULT_ADAMW);
    adamWStep(params, new Float32Array([3]), state, lr, DEFAULT_ADAMW);
    const m = 0.9 * 0.1 + 0.1 * 3; // 0.39
    const v = 0.999 * 0.001 + 0.001 * 9; // 0.009999
    const expected = -lr - ((lr / (1 - 0.81)) * m) / (Math.sqrt(v) / Math.sqrt(1 - 0.999 ** 2) + 1e-8);
    expect(params[0]).toBeCloseTo(expected, 6);
  });

  it('decays toward 1, not toward 0', () => {
    const params = new Float32Array([3, -1, 1]);
    const state = newAdamWState(3);
    adamWStep(params, new Float32Array(3), state, 0.1, { ...DEFAULT_ADAMW, weightDecay: 0.5 });
    expect(Array.from(params)).toEqual([3 - 0.05 * 2, -1 + 0.05 * 2, 1].map(Math.fround));
  });

  it('refuses vectors of different sizes', () => {
    expect(() => adamWStep(new Float32Array(2), new Float32Array(3), newAdamWState(2), 0.1, DEFAULT_ADAMW)).toThrow(/2 parameters but 3 gradients/);
  });
});

describe('learningRateAt', () => {
  it('constant without warmup uses the given rate from the first step', () => {
    const config = { kind: 'constant' as const, lr: 0.1, warmupSteps: 0, totalSteps: 5 };
    expect([1, 2, 5].map((s) => learningRateAt(config, s))).toEqual([0.1, 0.1, 0.1]);
  });

  it('linear with warmup follows transformers (first step 0)', () => {
    const config = { kind: 'linear' as const, lr: 1, warmupSteps: 2, totalSteps: 10 };
    expect([1, 2, 3, 10].map((s) => learningRateAt(config, s))).toEqual([0, 0.5, 1, 0.125]);
  });

  it('cosine decays from the peak to near 0', () => {
    const config = { kind: 'cosine' as const, lr: 1, warmupSteps: 0, totalSteps: 4 };
    const rates = [1, 2, 3, 4].map((s) => learningRateAt(config, s));
    expect(rates[0]).toBe(1);
    expect(rates[2]).toBeCloseTo(0.5, 12); // half way: 0.5·(1 + cos(π/2))
    expect(rates[1]).toBeCloseTo(0.5 * (1 + Math.cos(Math.PI / 4)), 12);
    expect(rates[3]).toBeCloseTo(0.5 * (1 + Math.cos((3 * Math.PI) / 4)), 12);
  });
});

describe('clipGlobalNorm', () => {
  it('scales gradients down to the limit and reports the norm before clipping', () => {
    const grads = new Float32Array([3, 4]);
    expect(clipGlobalNorm(grads, 1)).toBe(5);
    expect(globalNorm(grads)).toBeCloseTo(1, 5);
  });

  it('leaves small gradients and a disabled limit alone', () => {
    const grads = new Float32Array([0.3, 0.4]);
    clipGlobalNorm(grads, 1);
    expect(Array.from(grads)).toEqual([0.3, 0.4].map(Math.fround));
    const big = new Float32Array([30, 40]);
    clipGlobalNorm(big, 0);
    expect(Array.from(big)).toEqual([30, 40]);
  });
});

describe('Random', () => {
  it('is reproducible from a seed and from a saved state', () => {
    const a = new Random(42);
    const first = [a.next(), a.next()];
    const saved = a.state;
    const next = [a.next(), a.next()];
    expect([new Random(42).next(), new Random(42).next()]).toEqual([first[0], first[0]]);
    const resumed = new Random(saved);
    expect([resumed.next(), resumed.next()]).toEqual(next);
  });

  it('draws uniform integers without bias and shuffles into a permutation', () => {
    const random = new Random(7);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30000; i++) counts[random.int(3)]! += 1;
    for (const count of counts) expect(Math.abs(count - 10000)).toBeLessThan(400);
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = random.shuffle([...items]);
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((x, y) => x - y)).toEqual(items);
  });

  it('draws standard normals', () => {
    const random = new Random(3);
    let sum = 0;
    let squares = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const x = random.normal();
      sum += x;
      squares += x * x;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.03);
    expect(Math.abs(squares / n - 1)).toBeLessThan(0.05);
  });
});
