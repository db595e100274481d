/**
 * The memory one training (or evaluation) session needs, estimated before anything is loaded, from
 * the model config, the batch, the sequence length and the stored weight dtype, for the session
 * options of onnx-backend.ts:
 *
 *   total = runtime + weights + graph + activations
 *
 * - runtime: Node, onnxruntime and the session worker before any model is loaded (measured).
 * - weights: every tensor the forward reads, as float32 (compute is float32 on the CPU). F32
 *   checkpoints are memory-mapped and read in place; F16/BF16 ones are cast to float32 at load
 *   (onnxruntime folds the in-graph Cast into a new, private initializer) and the 16-bit file is
 *   not kept. With prepacking on, one packed copy more (measured).
 * - graph: the graph as our builder holds it and as onnxruntime does, per node (measured).
 * - activations: the peak of intermediate tensors over one step, by walking the very graph the
 *   session runs in onnxruntime's order (onnx/liveness.ts): what the forward keeps for the
 *   backward plus the transient tensors of the worst node, including one chunk of lm_head logits;
 *   plus the allocator's overhead. Without the CPU arena they are returned after each step.
 *
 * bench/train.bench.ts compares it with the measured peak RSS of each benchmark model.
 */
import type { LinearModule, ModelSpec } from '../models/spec';
import type { WeightEntry, WeightMap } from '../models/weights';
import { numel } from '../onnx/dims';
import { simulateLiveness } from '../onnx/liveness';
import { SAFETENSORS_DTYPE_SIZES, type SafetensorsDtype } from '../onnx/safetensors';
import { buildTrainingGraph } from './training-graph';

/**
 * RSS of a process that has loaded onnxruntime and started the session worker, before any model:
 * 125-135 MiB with Node 20 and onnxruntime-node 1.30 on Linux x64 (bench/train.bench.ts).
 */
export const RUNTIME_BYTES = 130 * 2 ** 20;

/**
 * Memory per graph node: the JS builder's graph and its serialized bytes (hidden-512 training
 * graph, 2221 nodes: +17 MiB; 0.5B, 6877 nodes: +57 MiB) plus onnxruntime's graph and kernels
 * (+11 MiB at load for the 2221 nodes, F32 weights mapped, so nothing else was added).
 */
export const GRAPH_BYTES_PER_NODE = 12 * 2 ** 10;

/**
 * What the allocator takes beyond the tensors it serves: without onnxruntime's arena, malloc's
 * holes and the memory it keeps. Measured peak activation memory over the simulated peak:
 * 1.02 (Qwen2.5-0.5B shape, batch 1 x 512) to 1.19 (hidden 512, batch 8 x 256); the middle is taken.
 */
export const ALLOCATOR_OVERHEAD = 1.1;

export interface MemoryEstimateInput {
  batch: number;
  seqLen: number;
  /** safetensors dtype of the checkpoint's weights: F32, F16 or BF16. */
  storedDtype: string;
  /** false: an evaluation session (forward and loss only). Default true. */
  gradient?: boolean;
  targets?: readonly LinearModule[];
  /** onnxruntime's weight prepacking on (default off, as onnx-backend.ts sets it). */
  prepacking?: boolean;
}

export interface MemoryEstimate {
  /** The forward's weights as float32. */
  readonly weightBytes: number;
  /** True when they are private copies (cast from 16-bit); false when pages of the mapped file, shared by every session. */
  readonly weightsPrivate: boolean;
  /** Packed weight copies (prepacking on). */
  readonly packedBytes: number;
  readonly graphBytes: number;
  /** Peak intermediate tensors of one step, with the allocator's overhead. */
  readonly activationBytes: number;
  readonly runtimeBytes: number;
  /** What a session keeps while idle, beyond the mapped weights: private weights, packed copies, graph. */
  readonly residentBytes: number;
  /** The expected peak RSS of a process running this one session. */
  readonly totalBytes: number;
}

export function estimateTrainingMemory(spec: ModelSpec, input: MemoryEstimateInput): MemoryEstimate {
  const stored = checkDtype(input.storedDtype);
  const weightBytes = spec.tensors.reduce((n, t) => n + numel(t.shape) * 4, 0);
  const weightsPrivate = stored !== 'F32';
  const packedBytes = input.prepacking ? weightBytes : 0;
  const { graph } = buildTrainingGraph(
    { spec, weights: syntheticWeights(spec, stored) },
    { batch: input.batch, seqLen: input.seqLen, gradient: input.gradient ?? true, ...(input.targets && { targets: input.targets }) },
  );
  const graphBytes = graph.nodes.length * GRAPH_BYTES_PER_NODE;
  const activationBytes = Math.round(simulateLiveness(graph).peakBytes * ALLOCATOR_OVERHEAD);
  return {
    weightBytes,
    weightsPrivate,
    packedBytes,
    graphBytes,
    activationBytes,
    runtimeBytes: RUNTIME_BYTES,
    residentBytes: (weightsPrivate ? weightBytes : 0) + packedBytes + graphBytes,
    totalBytes: RUNTIME_BYTES + weightBytes + packedBytes + graphBytes + activationBytes,
  };
}

function checkDtype(dtype: string): SafetensorsDtype {
  if (dtype !== 'F32' && dtype !== 'F16' && dtype !== 'BF16') throw new RangeError(`stored weight dtype must be F32, F16 or BF16, got ${dtype}`);
  return dtype;
}

/** A weight map with the spec's tensors laid out in one file: enough to build the graph, which reads no bytes. */
function syntheticWeights(spec: ModelSpec, dtype: SafetensorsDtype): WeightMap {
  const file = 'model.safetensors';
  const tensors = new Map<string, WeightEntry>();
  let offset = 8;
  for (const { name, shape } of spec.tensors) {
    const byteLength = numel(shape) * SAFETENSORS_DTYPE_SIZES[dtype];
    tensors.set(name, { name, file, path: file, info: { name, dtype, shape: [...shape], byteOffset: offset, byteLength } });
    offset += byteLength;
  }
  return { dir: '.', files: [file], headers: new Map(), tensors };
}
