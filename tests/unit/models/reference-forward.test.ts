/**
 * Checks on the float64 reference itself, so that agreeing with it means something: properties
 * that hold for transformers' models and that a wrong reference would break.
 */
import { describe, expect, it } from 'vitest';
import { loadReferenceModel, referenceForward, type ReferenceModel } from './helpers/reference-forward';
import { tinyModel } from './helpers/tiny';
import { Random } from '../../../src/main/engine/random';

const maxDiff = (a: Float64Array, b: Float64Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

/** The same model with diag(a) W diag(b) merged into every weight. */
function merged(model: ReferenceModel, hyper: Map<string, { a: Float64Array; b: Float64Array }>): ReferenceModel {
  const weights = new Map(model.weights);
  for (const [path, { a, b }] of hyper) {
    const W = weights.get(`${path}.weight`)!;
    weights.set(`${path}.weight`, W.map((w, k) => a[Math.floor(k / b.length)]! * w * b[k % b.length]!));
  }
  return { ...model, weights };
}

describe('referenceForward', () => {
  it('applies a/b exactly as the merged weight diag(a) W diag(b), and a = b = 1 as the base model', async () => {
    const model = await loadReferenceModel(await tinyModel({ arch: 'qwen2', hidden: 32, vocab: 300, initStd: 0.1 }));
    const random = new Random(1);
    const hyper = new Map<string, { a: Float64Array; b: Float64Array }>();
    const ones = new Map<string, { a: Float64Array; b: Float64Array }>();
    for (const [name, [out, inp]] of model.shapes) {
      if (!/proj\.weight$/.test(name) || out === undefined || inp === undefined) continue;
      const path = name.slice(0, -'.weight'.length);
      hyper.set(path, { a: Float64Array.from({ length: out }, () => 1 + 0.3 * random.normal()), b: Float64Array.from({ length: inp }, () => 1 + 0.3 * random.normal()) });
      ones.set(path, { a: new Float64Array(out).fill(1), b: new Float64Array(inp).fill(1) });
    }
    const ids = [[5, 17, 250, 3, 99]];
    const base = referenceForward(model, { ids })[0]!;
    const adapted = referenceForward(model, { ids, hyper })[0]!;
    const mergedOut = referenceForward(merged(model, hyper), { ids })[0]!;
    const withOnes = referenceForward(model, { ids, hyper: ones })[0]!;
    for (let t = 0; t < ids[0]!.length; t++) {
      expect(maxDiff(adapted[t]!, mergedOut[t]!)).toBeLessThan(1e-12);
      expect(maxDiff(withOnes[t]!, base[t]!)).toBe(0);
      expect(maxDiff(adapted[t]!, base[t]!)).toBeGreaterThan(1e-3);
    }
  });

  it('gives a left-padded row the logits of the unpadded one when positions skip the padding', async () => {
    const model = await loadReferenceModel(await tinyModel({ arch: 'qwen3', hidden: 32, heads: 2, kvHeads: 1, vocab: 300, initStd: 0.1 }));
    const plain = referenceForward(model, { ids: [[7, 8, 9]] })[0]!;
    const padded = referenceForward(model, { ids: [[0, 0, 7, 8, 9]], attentionMask: [[0, 0, 1, 1, 1]], positionIds: [[0, 0, 0, 1, 2]] })[0]!;
    for (let t = 0; t < 3; t++) expect(maxDiff(padded[t + 2]!, plain[t]!)).toBeLessThan(1e-12);
  });

  it('lets a sliding window change only positions the window cuts off', async () => {
    const wide = await loadReferenceModel(await tinyModel({ arch: 'mistral', hidden: 32, vocab: 300, initStd: 0.1 }));
    const narrow: ReferenceModel = { ...wide, config: { ...wide.config, sliding_window: 3 } };
    const ids = [[1, 2, 3, 4, 5, 6]];
    const full = referenceForward(wide, { ids })[0]!;
    const windowed = referenceForward(narrow, { ids })[0]!;
    for (let t = 0; t < 3; t++) expect(maxDiff(windowed[t]!, full[t]!)).toBe(0);
    for (let t = 3; t < 6; t++) expect(maxDiff(windowed[t]!, full[t]!)).toBeGreaterThan(1e-4);
  });
});
