/**
 * The memory one training (or evaluation) session needs, estimated before anything is loaded, from
 * the model config, the batch, the sequence length and the stored weight dtype:
 *
 *   total = runtime + weights + activations
 *
 * - runtime: Node, onnxruntime and the session worker before any model is loaded (measured).
 * - weights: every tensor the forward reads, as float32 (compute is float32 on the CPU). F32
 *   checkpoints are memory-mapped and read in place; F16/BF16 ones are cast to float32 at load
 *   (onnxruntime folds the in-graph Cast into a new, private initializer), and the 16-bit file is
 *   not kept. Prepacking is off (onnx-backend.ts), so no packed copies are added.
 * - activations: the peak of intermediate tensors over one step, by walking the very graph the
 *   session runs (onnx/liveness.ts): what the forward keeps for the backward plus the transient
 *   tensors of the worst node, including one chunk of lm_head logits.
 *
 * Measured against peak RSS by bench/train.bench.ts.
 */
import type { LinearModule, ModelSpec } from '../models/spec';
import type { WeightEntry, WeightMap } from '../models/weights';
import { numel } from '../onnx/dims';
import { simulateLiveness } from '../onnx/liveness';
import { SAFETENSORS_DTYPE_SIZES, type SafetensorsDtype } from '../onnx/safetensors';
import { buildTrainingGraph } from './training-graph';

/**
 * RSS of a process that has loaded onnxruntime and started the session worker, before any model:
 * 120-150 MiB measured with Node 20 and onnxruntime-node 1.30 on Linux x64 (bench/train.bench.ts).
 */
export const RUNTIME_BYTES = 140 * 2 ** 20;

export interface MemoryEstimateInput {
  batch: number;
  seqLen: number;
  /** safetensors dtype of the checkpoint's weights: F32, F16 or BF16. */
  storedDtype: string;
  /** false: an evaluation session (forward and loss only). Default true. */
  gradient?: boolean;
  targets?: readonly LinearModule[];
}

export interface MemoryEstimate {
  /** The forward's weights as float32. */
  readonly weightBytes: number;
  /** True when they are private copies (cast from 16-bit); false when pages of the mapped file. */
  readonly weightsPrivate: boolean;
  /** Peak intermediate tensors of one step. */
  readonly activationBytes: number;
  readonly runtimeBytes: number;
  /** What one more session adds to a process that already maps the weights: private weights + activations. */
  readonly sessionBytes: number;
  /** runtime + weights + activations: the expected peak RSS of a process running this one session. */
  readonly totalBytes: number;
}

export function estimateTrainingMemory(spec: ModelSpec, input: MemoryEstimateInput): MemoryEstimate {
  const stored = checkDtype(input.storedDtype);
  const weightBytes = spec.tensors.reduce((n, t) => n + numel(t.shape) * 4, 0);
  const weightsPrivate = stored !== 'F32';
  const { graph } = buildTrainingGraph(
    { spec, weights: syntheticWeights(spec, stored) },
    { batch: input.batch, seqLen: input.seqLen, gradient: input.gradient ?? true, ...(input.targets && { targets: input.targets }) },
  );
  const activationBytes = simulateLiveness(graph).peakBytes;
  return {
    weightBytes,
    weightsPrivate,
    activationBytes,
    runtimeBytes: RUNTIME_BYTES,
    sessionBytes: (weightsPrivate ? weightBytes : 0) + activationBytes,
    totalBytes: RUNTIME_BYTES + weightBytes + activationBytes,
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
