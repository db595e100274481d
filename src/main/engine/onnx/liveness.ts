/**
 * How many bytes of intermediate tensors a graph holds at its worst moment, found by walking its
 * nodes in build order (a topological order: forward, then the backward in reverse) and keeping
 * each buffer from the node that writes it to the last node that reads it. It models what
 * onnxruntime does with a graph of static shapes:
 * - nodes whose inputs are all initializers or constants are folded at load, and cost nothing here
 *   (the caller counts folded weights, such as a bf16 -> float32 Cast, with the weights);
 * - Reshape, Squeeze, Unsqueeze and Identity return a view of their input, not a copy;
 * - graph outputs stay alive to the end; graph inputs and initializers are not intermediates.
 * It does not model buffers reused in place, so it errs high by at most an operand per node.
 */
import { numel, shapeStr } from './dims';
import { DTYPE_BYTES } from './element-types';
import { GraphError } from './errors';
import type { Graph, Tensor } from './graph';

/** Ops whose output shares its input's buffer in onnxruntime's CPU provider. */
const VIEW_OPS = new Set(['Reshape', 'Squeeze', 'Unsqueeze', 'Identity']);

export interface Liveness {
  /** The most intermediate bytes alive at once. */
  readonly peakBytes: number;
  /** The node at which that happens. */
  readonly peakNode: string;
}

export function simulateLiveness(g: Graph): Liveness {
  const constant = new Set<string>(g.initializers.map((i) => i.tensor.name));
  const buffer = new Map<string, string>(); // tensor -> the tensor whose buffer it views (itself when it owns one)
  const lastUse = new Map<string, number>(); // buffer -> index of the last node reading it
  const live: number[] = [];
  g.nodes.forEach((node, i) => {
    if (node.inputs.every((t) => constant.has(t.name))) {
      node.outputs.forEach((t) => constant.add(t.name));
      return;
    }
    live.push(i);
    for (const t of node.inputs) {
      const b = buffer.get(t.name);
      if (b !== undefined) lastUse.set(b, i);
    }
    node.outputs.forEach((t, k) => {
      const viewed = k === 0 && VIEW_OPS.has(node.op) ? buffer.get(node.inputs[0]!.name) : undefined;
      buffer.set(t.name, viewed ?? t.name);
      if (viewed === undefined) lastUse.set(t.name, i); // written, perhaps never read
    });
  });
  for (const t of g.outputs) {
    const b = buffer.get(t.name);
    if (b !== undefined) lastUse.set(b, Number.POSITIVE_INFINITY);
  }

  const freedAt = new Map<number, string[]>();
  for (const [b, i] of lastUse) if (Number.isFinite(i)) freedAt.set(i, [...(freedAt.get(i) ?? []), b]);
  const sizes = new Map<string, number>();
  let current = 0;
  let peak = { peakBytes: 0, peakNode: '' };
  for (const i of live) {
    const node = g.nodes[i]!;
    for (const t of node.outputs) {
      if (buffer.get(t.name) !== t.name) continue;
      const bytes = bytesOf(t);
      sizes.set(t.name, bytes);
      current += bytes;
    }
    if (current > peak.peakBytes) peak = { peakBytes: current, peakNode: node.name };
    for (const b of freedAt.get(i) ?? []) current -= sizes.get(b) ?? 0;
  }
  return peak;
}

function bytesOf(t: Tensor): number {
  if (!t.shape.every((d): d is number => typeof d === 'number')) {
    throw new GraphError(`liveness needs static shapes: '${t.name}' is ${shapeStr(t.shape)}`);
  }
  return numel(t.shape) * DTYPE_BYTES[t.dtype];
}
