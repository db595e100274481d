/**
 * The training graph: one session.run per micro-batch (DESIGN.md section 2). It is the model's
 * forward (models/forward-graph.ts, HyperAdapt on the chosen targets) up to the final norm, the
 * chunked lm_head + masked cross-entropy (onnx/lm-head-loss.ts, so no [B·T, V] logits exist), and
 * the backward to the ONE flat parameter vector.
 *
 * Dims: B batch, T time (one static bucket), N = B·T tokens, C hidden, V vocab, P adapter parameters.
 *
 *   inputs   input_ids, attention_mask, position_ids, targets   int64 [B, T]
 *            hyperadapt_params                                  float32 [P]
 *   outputs  loss_sum           float32 []   SUM of the token losses over supervised targets (not the mean)
 *            supervised_tokens  float32 []   targets that are not -100
 *            grad               float32 [P]  d loss_sum / d hyperadapt_params (absent in the evaluation graph)
 *
 * Sums, not means, because a training step averages over all micro-batches it accumulates
 * (trainer.ts): the trainer adds sums and divides once by the total count.
 */
import { type AdapterLayout } from '../models/adapter-layout';
import { addDecoder, FORWARD_INPUTS, type ForwardOptions } from '../models/forward-graph';
import type { ModelSpec } from '../models/spec';
import type { WeightMap } from '../models/weights';
import { grad } from '../onnx/autodiff';
import { Graph } from '../onnx/graph';
import { graphFileName } from '../onnx/graph-file';
import { chunkedLmHeadCrossEntropy, lmHeadChunkTokens } from '../onnx/lm-head-loss';
import { Reshape } from '../onnx/ops';
import { serializeModel } from '../onnx/serialize';

export const TRAINING_INPUTS = { ...FORWARD_INPUTS, targets: 'targets' } as const;
export const TRAINING_OUTPUTS = { lossSum: 'loss_sum', supervisedTokens: 'supervised_tokens', grad: 'grad' } as const;

/** The largest [tokens, V] float32 logits chunk the loss may hold at once. */
export const LOGITS_CHUNK_BYTES = 32 * 2 ** 20;

export interface TrainingGraphOptions extends ForwardOptions {
  /** Byte budget of one logits chunk (default LOGITS_CHUNK_BYTES). */
  logitsChunkBytes?: number;
  /** false: forward and loss only, no `grad` output (evaluation). Default true. */
  gradient?: boolean;
}

export interface TrainingGraph {
  readonly graph: Graph;
  readonly layout: AdapterLayout;
  /** Tokens per logits chunk. */
  readonly chunk: number;
  /** Whether it has the backward half and the `grad` output. */
  readonly gradient: boolean;
}

export function buildTrainingGraph(model: { spec: ModelSpec; weights: WeightMap }, options: TrainingGraphOptions): TrainingGraph {
  const { batch: B, seqLen: T, gradient = true } = options;
  const { hiddenSize: C, vocabSize: V } = model.spec.config;
  const graph = new Graph('train');
  const decoder = addDecoder(graph, model, options);
  const targets = graph.input(TRAINING_INPUTS.targets, 'int64', [B, T]);
  const chunk = lmHeadChunkTokens(B * T, V, options.logitsChunkBytes ?? LOGITS_CHUNK_BYTES);
  const { loss, count } = graph.scope('lm_head', () =>
    chunkedLmHeadCrossEntropy(
      graph,
      Reshape(graph, decoder.hidden, [B * T, C]), // [N, C]
      decoder.lmHead, // [V, C]
      Reshape(graph, targets, [B * T]), // [N]
      { chunk, reduction: 'sum', gradient },
    ),
  );
  const dparams = gradient ? grad(graph, loss, [decoder.inputs.adapterParams])[0] : undefined; // [P]
  graph.output(loss, TRAINING_OUTPUTS.lossSum);
  graph.output(count, TRAINING_OUTPUTS.supervisedTokens);
  if (dparams) graph.output(dparams, TRAINING_OUTPUTS.grad);
  return { graph, layout: decoder.layout, chunk, gradient };
}

/** The serialized graph and the file name it goes under in the model folder. */
export interface SerializedTrainingGraph {
  readonly bytes: Uint8Array;
  /**
   * `.hyperadapt-train-b<B>-t<T>-<hash>.onnx` (or -eval-): the hash is of the bytes, so the name is the same
   * for the same model, targets, bucket, batch and dtype, and changes whenever the graph would.
   */
  readonly fileName: string;
}

export function serializeTrainingGraph({ graph, gradient }: TrainingGraph, { batch, seqLen }: ForwardOptions): SerializedTrainingGraph {
  const bytes = serializeModel(graph);
  return { bytes, fileName: graphFileName(`${gradient ? 'train' : 'eval'}-b${batch}-t${seqLen}`, bytes) };
}
