import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { grad } from '../../../../src/main/engine/onnx/autodiff';
import { maskedCrossEntropy } from '../../../../src/main/engine/onnx/cross-entropy';
import { AutodiffError } from '../../../../src/main/engine/onnx/errors';
import { Graph, type Tensor } from '../../../../src/main/engine/onnx/graph';
import { LM_HEAD_CROSS_ENTROPY, chunkedLmHeadCrossEntropy, lmHeadChunkTokens } from '../../../../src/main/engine/onnx/lm-head-loss';
import { Gemm } from '../../../../src/main/engine/onnx/ops';
import { gradcheck } from '../helpers/gradcheck';
import { CHUNK, N as MEM_N, V as MEM_V } from '../helpers/lm-head-memory';
import { rng, uniform } from '../helpers/random';
import { session, tensor, values } from '../helpers/session';

const N = 7;
const H = 4;
const V = 11;
const next = rng(3);
const hidden = uniform(next, N * H, -2, 2);
const head = uniform(next, V * H, -1, 1);
const labels = [3, -100, 0, 10, 10, -100, 5];

type Loss = 'unchunked' | { chunk: number; reduction?: 'mean' | 'sum' };

/** loss, count and d loss / d hidden, in float64. */
async function run(kind: Loss, labelValues = labels) {
  const g = new Graph();
  const h = g.input('h', 'float64', [N, H]);
  const W = g.input('W', 'float64', [V, H]);
  const l = g.input('labels', 'int64', [N]);
  const { loss, count } =
    kind === 'unchunked' ? maskedCrossEntropy(g, Gemm(g, h, W, undefined, { transB: 1 }), l) : chunkedLmHeadCrossEntropy(g, h, W, l, kind);
  const [dh] = grad(g, loss, [h]);
  g.output(loss, 'loss');
  g.output(count, 'count');
  g.output(dh!, 'dh');
  const feeds = { h: tensor('float64', [N, H], hidden), W: tensor('float64', [V, H], head), labels: tensor('int64', [N], labelValues) };
  const out = await (await session(g)).run(feeds);
  return { loss: values(out.loss!)[0]!, count: values(out.count!)[0]!, dh: values(out.dh!), graph: g };
}

const maxDiff = (a: number[], b: number[]): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

/** Every tensor that reaches `t` through the graph's nodes. */
function ancestors(g: Graph, t: Tensor): Set<string> {
  const producer = new Map(g.nodes.flatMap((n) => n.outputs.map((o) => [o.name, n] as const)));
  const seen = new Set<string>();
  const stack = [t.name];
  while (stack.length) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const input of producer.get(name)?.inputs ?? []) stack.push(input.name);
  }
  return seen;
}

describe('chunkedLmHeadCrossEntropy', () => {
  test('loss, count and gradient equal the unchunked masked cross-entropy of h W^T, for any chunk size', async () => {
    const ref = await run('unchunked');
    expect(ref.count).toBe(5);
    for (const chunk of [1, 2, 3, N, 100]) {
      const r = await run({ chunk });
      expect(r.count).toBe(5);
      expect(Math.abs(r.loss - ref.loss)).toBeLessThan(1e-12);
      expect(maxDiff(r.dh, ref.dh)).toBeLessThan(1e-12);
    }
  });

  test("reduction 'sum' gives the sum of token losses and the gradient of that sum", async () => {
    const mean = await run({ chunk: 3 });
    const sum = await run({ chunk: 3, reduction: 'sum' });
    expect(sum.count).toBe(5);
    expect(Math.abs(sum.loss - mean.loss * 5)).toBeLessThan(1e-12);
    expect(maxDiff(sum.dh, mean.dh.map((d) => d * 5))).toBeLessThan(1e-12);
  });

  test('gradient to the hidden states matches finite differences (float64), mean and sum', async () => {
    for (const reduction of ['mean', 'sum'] as const) {
      await gradcheck({
        inputs: [
          { name: 'h', shape: [N, H], values: hidden },
          { name: 'W', shape: [V, H], values: head, wrt: false },
          { name: 'labels', shape: [N], dtype: 'int64', values: labels },
        ],
        build: (g, { h, W, labels: l }) => chunkedLmHeadCrossEntropy(g, h!, W!, l!, { chunk: 2, reduction }).loss,
      });
    }
  });

  test('an all-ignored batch gives loss 0, count 0 and a zero gradient, not NaN', async () => {
    const r = await run({ chunk: 3 }, labels.map(() => -100));
    expect([r.loss, r.count]).toEqual([0, 0]);
    expect(r.dh.every((d) => d === 0)).toBe(true);
  });

  test('no tensor holds more than one chunk of logits, and each chunk starts after the previous one ended', async () => {
    const chunk = 3;
    const { graph } = await run({ chunk });
    const vocabWide = graph.nodes.flatMap((n) => n.outputs).filter((t) => t.shape.length === 2 && t.shape[1] === V);
    expect(vocabWide.length).toBeGreaterThan(0);
    expect(vocabWide.filter((t) => (t.shape[0] as number) > chunk)).toEqual([]);
    // The head's Gemm of chunk c+1 depends on chunk c's gradient MatMul: no order can overlap them.
    const gemms = graph.nodes.filter((n) => n.op === 'Gemm' && n.name.startsWith(LM_HEAD_CROSS_ENTROPY));
    const matmuls = graph.nodes.filter((n) => n.op === 'MatMul' && n.name.startsWith(LM_HEAD_CROSS_ENTROPY));
    expect([gemms.length, matmuls.length]).toEqual([3, 3]);
    for (let c = 0; c + 1 < gemms.length; c++) expect(ancestors(graph, gemms[c + 1]!.outputs[0]!).has(matmuls[c]!.outputs[0]!.name)).toBe(true);
    expect(graph.nodes.filter((n) => /Grad$|SoftmaxCrossEntropy|Scatter/.test(n.op) || n.domain !== '')).toEqual([]);
  });

  test('the head weight has no gradient, and a graph built with gradient: false has none at all', () => {
    const g = new Graph();
    const h = g.input('h', 'float32', [N, H]);
    const W = g.input('W', 'float32', [V, H]);
    const l = g.input('labels', 'int64', [N]);
    expect(() => grad(g, chunkedLmHeadCrossEntropy(g, h, W, l, { chunk: 2 }).loss, [W])).toThrow(/output head weight is frozen/);
    const evalOnly = chunkedLmHeadCrossEntropy(g, h, W, l, { chunk: 2, gradient: false });
    expect(g.nodes.filter((n) => n.op === 'MatMul' && n.name.startsWith(`${LM_HEAD_CROSS_ENTROPY}_1/`))).toEqual([]);
    expect(() => grad(g, evalOnly.loss, [h])).toThrow(AutodiffError);
  });

  test('onnxruntime keeps about one chunk of logits alive, where the unchunked loss keeps several full copies', async () => {
    const script = fileURLToPath(new URL('../helpers/lm-head-memory.ts', import.meta.url));
    const measure = async (mode: string): Promise<number> => {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, mode]);
      const { before, peak } = JSON.parse(stdout) as { before: number; peak: number };
      return peak - before;
    };
    const [chunked, unchunked] = await Promise.all([measure('chunked'), measure('unchunked')]);
    const chunkBytes = CHUNK * MEM_V * 4;
    const fullBytes = MEM_N * MEM_V * 4;
    expect(chunked).toBeLessThan(4 * chunkBytes);
    expect(unchunked).toBeGreaterThan(2 * fullBytes);
  });

  test('lmHeadChunkTokens fits one float32 chunk of logits in the byte budget, in chunks of equal size', () => {
    expect(lmHeadChunkTokens(512, 151936, 32 * 2 ** 20)).toBe(52); // at most 55: ten chunks
    expect(lmHeadChunkTokens(2048, 32000, 32 * 2 ** 20)).toBe(256); // at most 262: eight chunks
    expect(lmHeadChunkTokens(100, 32000, 32 * 2 ** 20)).toBe(100);
    expect(lmHeadChunkTokens(100, 10 ** 9, 1)).toBe(1);
  });
});
