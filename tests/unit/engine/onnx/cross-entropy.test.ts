import { describe, expect, test } from 'vitest';
import { grad } from '../../../../src/main/engine/onnx/autodiff';
import { MASKED_CROSS_ENTROPY, maskedCrossEntropy } from '../../../../src/main/engine/onnx/cross-entropy';
import { Graph } from '../../../../src/main/engine/onnx/graph';
import { gradcheck } from '../helpers/gradcheck';
import { rng, uniform } from '../helpers/random';
import { crossEntropy as reference } from '../helpers/reference';
import { session, tensor, values } from '../helpers/session';

/** loss, count and d loss / d logits for logits [B, T, V]; `named` declares B and T as named dims. */
async function run(logits: number[], labels: number[], [B, T, V]: [number, number, number], dtype: 'float64' | 'float32' = 'float64', named = false) {
  const g = new Graph();
  const z = g.input('logits', dtype, named ? ['B', 'T', V] : [B, T, V]);
  const l = g.input('labels', 'int64', named ? ['B', 'T'] : [B, T]);
  const { loss, count } = maskedCrossEntropy(g, z, l);
  const [dz] = grad(g, loss, [z]);
  g.output(loss, 'loss');
  g.output(count, 'count');
  g.output(dz!, 'dlogits');
  const out = await (await session(g)).run({ logits: tensor(dtype, [B, T, V], logits), labels: tensor('int64', [B, T], labels) });
  return { loss: values(out.loss!)[0]!, count: values(out.count!)[0]!, dlogits: values(out.dlogits!), graph: g };
}

const next = rng(7);
const shape: [number, number, number] = [2, 3, 5];
const logits = uniform(next, 30, -3, 3);
const labels = [4, -100, 0, 2, 2, -100];

describe('masked cross-entropy', () => {
  test('value and supervised-token count match a plain reference', async () => {
    const r = await run(logits, labels, shape);
    const ref = reference(logits, labels, 5);
    expect(r.count).toBe(4);
    expect(Math.abs(r.loss - ref.loss)).toBeLessThan(1e-12);
  });

  test('gradient matches finite differences (float64), for [B,T,V] and [N,V] logits', async () => {
    for (const s of [
      [2, 3, 5],
      [6, 5],
    ]) {
      await gradcheck({
        inputs: [
          { name: 'z', shape: s, values: logits },
          { name: 'labels', shape: s.slice(0, -1), dtype: 'int64', values: labels },
        ],
        build: (g, { z, labels: l }) => maskedCrossEntropy(g, z!, l!).loss,
      });
    }
  });

  test('builds with named batch and time dims and gives the same loss and gradient', async () => {
    const named = await run(logits, labels, shape, 'float64', true);
    const fixed = await run(logits, labels, shape);
    expect([named.loss, named.count, named.dlogits]).toEqual([fixed.loss, fixed.count, fixed.dlogits]);
  });

  test('is (softmax - onehot) / count on supervised rows and exactly 0 on ignored rows', async () => {
    const r = await run(logits, labels, shape);
    labels.forEach((l, n) => {
      const row = r.dlogits.slice(n * 5, n * 5 + 5);
      if (l === -100) return expect(row).toEqual([0, 0, 0, 0, 0]);
      const z = logits.slice(n * 5, n * 5 + 5);
      const sum = z.reduce((s, v) => s + Math.exp(v), 0);
      row.forEach((d, v) => expect(d).toBeCloseTo((Math.exp(z[v]!) / sum - (v === l ? 1 : 0)) / 4, 12));
    });
  });

  test('ignored rows do not change the loss whatever their logits', async () => {
    const changed = logits.map((z, i) => (labels[Math.floor(i / 5)] === -100 ? z * 10 + 7 : z));
    expect((await run(changed, labels, shape)).loss).toBe((await run(logits, labels, shape)).loss);
  });

  test('an all-ignored batch gives loss 0, count 0 and zero gradients, not NaN', async () => {
    const r = await run(logits, labels.map(() => -100), shape);
    expect(r.loss).toBe(0);
    expect(r.count).toBe(0);
    expect(r.dlogits.every((d) => d === 0)).toBe(true);
  });

  test('stays finite and exact for huge logits (the max is subtracted first), also in float32', async () => {
    const huge = logits.map((z) => z * 300);
    const ref = reference(huge, labels, 5);
    const r64 = await run(huge, labels, shape);
    expect(Math.abs(r64.loss - ref.loss) / ref.loss).toBeLessThan(1e-12);
    const r32 = await run(huge, labels, shape, 'float32');
    expect(r32.dlogits.every(Number.isFinite)).toBe(true);
    expect(Math.abs(r32.loss - reference(huge.map(Math.fround), labels, 5).loss) / ref.loss).toBeLessThan(1e-5);
  });

  test('its backward is the fused rule: standard ops only, no *Grad op and no SoftmaxCrossEntropyLoss', async () => {
    const { graph } = await run(logits, labels, shape);
    expect(graph.tape.filter((e) => e.op === MASKED_CROSS_ENTROPY)).toHaveLength(1);
    const backward = graph.nodes.filter((n) => n.name.includes(`${MASKED_CROSS_ENTROPY}/vjp`)).map((n) => n.op);
    expect(backward).toEqual(expect.arrayContaining(['ScatterElements']));
    expect(graph.nodes.filter((n) => /Grad$|SoftmaxCrossEntropy/.test(n.op) || n.domain !== '')).toEqual([]);
  });
});
