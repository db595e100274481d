/**
 * Writes a model's safetensors files with the adapter merged in: the same file names, the same
 * tensors in the same order, dtypes and shapes, and the same header metadata, so the shard index
 * stays valid. Adapted weights become a[i]·W[i, j]·b[j] in their stored dtype; every other tensor
 * is copied byte for byte. One tensor is in memory at a time.
 */
import { join } from 'node:path';
import type { AdapterLayout } from '../models/adapter-layout';
import type { WeightMap } from '../models/weights';
import { readTensorBytes, readTensorFloat32 } from '../onnx/safetensors';
import { SafetensorsWriter } from '../onnx/safetensors-writer';
import { encodeFloat, mergeLinear, slotsByWeightName, slotVectors } from './merge';
import type { ExportControl } from './progress';

/** Writes every weight file of `weights` into `dir`; returns the bytes written. */
export async function writeMergedWeights(weights: WeightMap, layout: AdapterLayout, vector: Float32Array, dir: string, control: ExportControl = {}): Promise<number> {
  const slots = slotsByWeightName(layout);
  const pending = new Set(slots.keys());
  let total = 0;
  for (const header of weights.headers.values()) total += header.fileSize;
  let done = 0;
  for (const file of weights.files) {
    const header = weights.headers.get(file)!;
    const writer = await SafetensorsWriter.open(join(dir, file), header.tensors, header.metadata);
    try {
      for (const info of header.tensors) {
        control.signal?.throwIfAborted();
        const slot = slots.get(info.name);
        let data: ArrayBufferView;
        if (slot) {
          if (info.dtype !== 'F32' && info.dtype !== 'F16' && info.dtype !== 'BF16') {
            throw new Error(`${file}: "${info.name}" is ${info.dtype}; only F32, F16 and BF16 weights can be merged`);
          }
          const { a, b } = slotVectors(vector, slot);
          data = encodeFloat(mergeLinear(await readTensorFloat32(header, info.name), slot.out, slot.in, a, b), info.dtype);
          pending.delete(info.name);
        } else {
          data = await readTensorBytes(header, info.name);
        }
        await writer.writeTensor(info.name, data);
        done += info.byteLength;
        control.onProgress?.({ phase: 'write', done, total, item: info.name });
      }
      await writer.commit();
    } catch (error) {
      await writer.abort();
      throw error;
    }
  }
  // Every adapted linear must have met its weight, else the export would silently drop training.
  if (pending.size > 0) throw new Error(`the adapter targets weights the model files lack: ${[...pending].slice(0, 5).join(', ')}`);
  return total;
}
