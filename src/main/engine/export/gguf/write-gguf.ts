/**
 * Writes a merged llama-family model as one GGUF file: metadata first, then each tensor read from
 * the base model's safetensors, merged with the adapter when it is an adapted weight, permuted
 * where llama.cpp's RoPE wants it, and encoded to its planned type. One tensor is in memory at a time.
 */
import type { AdapterLayout } from '../../models/adapter-layout';
import type { HfModel } from '../../models/hf-model';
import { weightEntry } from '../../models/weights';
import { float32ToBfloat16, float32ToFloat16 } from '../../onnx/dtypes';
import { readTensorFloat32 } from '../../onnx/safetensors';
import { mergeLinear, slotsByWeightName, slotVectors } from '../merge';
import type { ExportControl } from '../progress';
import { checkGgufSupport, GGUF_ARCHITECTURES } from './architectures';
import { GgmlType } from './constants';
import { addModelMetadata } from './model-metadata';
import { quantizeQ8_0 } from './q8-0';
import { type GgufDtype, type PlannedTensor, permuteRows, planTensors, ropeFreqFactors } from './tensor-plan';
import { readGgufVocabulary } from './vocabulary';
import { GgufWriter, tensorBytes } from './writer';

export interface GgufModelInput {
  readonly model: HfModel;
  readonly layout: AdapterLayout;
  readonly vector: Float32Array;
}

/** Writes `path` atomically; returns the planned tensors (for reports and tests). */
export async function writeGgufModel({ model, layout, vector }: GgufModelInput, path: string, name: string, dtype: GgufDtype, control: ExportControl = {}): Promise<PlannedTensor[]> {
  const arch = GGUF_ARCHITECTURES[model.config.architecture];
  checkGgufSupport(model.config, arch);
  const plan = planTensors(model.spec, arch, dtype);
  const vocabulary = await readGgufVocabulary(model.dir, model.config.vocabSize);
  const slots = slotsByWeightName(layout);

  const writer = await GgufWriter.open(path, arch.name);
  try {
    addModelMetadata(writer, model, vocabulary, name, dtype);
    for (const t of plan) writer.addTensorInfo(t);
    await writer.writeHeader();
    const total = plan.reduce((n, t) => n + tensorBytes(t), 0);
    let done = 0;
    for (const t of plan) {
      control.signal?.throwIfAborted();
      let values: Float32Array;
      if (t.source === null) {
        values = ropeFreqFactors(model.spec);
      } else {
        const entry = weightEntry(model.weights, t.source);
        values = await readTensorFloat32(model.weights.headers.get(entry.file)!, t.source);
        const slot = slots.get(t.source);
        if (slot) {
          const { a, b } = slotVectors(vector, slot);
          values = mergeLinear(values, slot.out, slot.in, a, b);
        }
      }
      if (t.permuteHeads !== null) values = permuteRows(values, t.permuteHeads, t.shape.length === 2 ? t.shape[1]! : 1);
      await writer.writeTensor(t.name, encode(values, t.type));
      done += tensorBytes(t);
      control.onProgress?.({ phase: 'write', done, total, item: t.name });
    }
    await writer.commit();
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return plan;
}

function encode(values: Float32Array, type: GgmlType): ArrayBufferView {
  switch (type) {
    case GgmlType.F32:
      return values;
    case GgmlType.F16:
      return float32ToFloat16(values);
    case GgmlType.BF16:
      return float32ToBfloat16(values);
    case GgmlType.Q8_0:
      return quantizeQ8_0(values);
  }
}
