/**
 * Child process for the lm-head loss memory test: builds loss + gradient for N tokens over a
 * V-word vocabulary, chunked or not, runs it once after loading, and prints one JSON line with
 * the resident memory before the run and the peak after it. A process of its own, so that the
 * peak belongs to this graph alone. Usage: node --import tsx lm-head-memory.ts chunked|unchunked
 */
import * as ort from 'onnxruntime-node';
import { grad } from '../../../../src/main/engine/onnx/autodiff';
import { maskedCrossEntropy } from '../../../../src/main/engine/onnx/cross-entropy';
import { Graph } from '../../../../src/main/engine/onnx/graph';
import { chunkedLmHeadCrossEntropy } from '../../../../src/main/engine/onnx/lm-head-loss';
import { Gemm } from '../../../../src/main/engine/onnx/ops';
import { serializeModel } from '../../../../src/main/engine/onnx/serialize';

export const N = 1024;
export const H = 32;
export const V = 32000;
export const CHUNK = 64;

async function main(chunked: boolean): Promise<void> {
  const g = new Graph();
  const h = g.input('h', 'float32', [N, H]);
  const W = g.initializer('W', { shape: [V, H], stored: 'float32', data: Float32Array.from({ length: V * H }, (_, i) => 0.1 * Math.sin(i)) });
  const labels = g.input('labels', 'int64', [N]);
  const { loss } = chunked ? chunkedLmHeadCrossEntropy(g, h, W, labels, { chunk: CHUNK }) : maskedCrossEntropy(g, Gemm(g, h, W, undefined, { transB: 1 }), labels);
  const [dh] = grad(g, loss, [h]);
  g.output(loss, 'loss');
  g.output(dh!, 'dh');
  // The arena is off so that RSS shows what the memory plan needs, not the arena's rounding.
  const session = await ort.InferenceSession.create(serializeModel(g), { executionProviders: ['cpu'], intraOpNumThreads: 1, enableCpuMemArena: false });
  const feeds = {
    h: new ort.Tensor('float32', Float32Array.from({ length: N * H }, (_, i) => Math.cos(i)), [N, H]),
    labels: new ort.Tensor('int64', BigInt64Array.from({ length: N }, (_, i) => BigInt((i * 7919) % V)), [N]),
  };
  const before = process.memoryUsage().rss;
  await session.run(feeds);
  console.log(JSON.stringify({ before, peak: process.resourceUsage().maxRSS * 1024 }));
}

if (process.argv[2] === 'chunked' || process.argv[2] === 'unchunked') void main(process.argv[2] === 'chunked');
