/**
 * ONNX export on tiny models of every architecture: model.onnx beside the merged safetensors it
 * points into, taking only input_ids and the KV cache, and reproducing the in-app adapted model's
 * logits when run by onnxruntime-node directly.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { openExportSource } from '../../../src/main/engine/export/export-source';
import { MERGED_TOLERANCES } from '../../../src/main/engine/export/merged-safetensors';
import { exportOnnx, ONNX_FILE } from '../../../src/main/engine/export/onnx/onnx-export';
import { referenceProbes } from '../../../src/main/engine/export/reference';
import type { TinyArch, TinyDtype } from '../../../src/main/engine/models/tiny-model';
import { freshDir } from '../models/helpers/tiny';
import { adaptedTinyModel } from './helpers/adapted-model';

const CASES: { arch: TinyArch; dtype: TinyDtype; shards: number }[] = [
  { arch: 'llama', dtype: 'F32', shards: 1 },
  { arch: 'mistral', dtype: 'F32', shards: 1 },
  { arch: 'qwen2', dtype: 'F32', shards: 2 },
  { arch: 'qwen3', dtype: 'F32', shards: 1 },
  { arch: 'llama', dtype: 'F16', shards: 1 },
];

describe('ONNX export', () => {
  it.each(CASES)('$arch $dtype in $shards file(s) runs in onnxruntime and matches', async ({ arch, dtype, shards }) => {
    const { modelDir, adapterDir } = await adaptedTinyModel({ arch, dtype, shards, seed: 6 });
    const source = await openExportSource(adapterDir);
    const out = join(await freshDir(), 'onnx');
    const result = await exportOnnx(source, await referenceProbes(source), out);

    const files = (await readdir(out)).sort();
    expect(files).toEqual([...(await readdir(modelDir)).filter((n) => !n.startsWith('.')), ONNX_FILE].sort());
    expect(await readdir(dirname(out))).toEqual(['onnx']);
    // The weights stay in the safetensors files: the graph names each as external data.
    const graph = await readFile(join(out, ONNX_FILE));
    for (const f of files.filter((n) => n.endsWith('.safetensors'))) expect(graph.includes(Buffer.from(f))).toBe(true);
    expect(graph.byteLength).toBeLessThan((await stat(join(out, files.find((n) => n.endsWith('.safetensors'))!))).size * 2);

    const session = await ort.InferenceSession.create(join(out, ONNX_FILE));
    expect(session.inputNames).toEqual(['input_ids', ...Array.from({ length: 2 }, (_, l) => [`past_key_values.${l}.key`, `past_key_values.${l}.value`]).flat()]);
    await session.release();

    const { agreement } = result.verification;
    console.log(`onnx ${arch} ${dtype}: max abs ${agreement.maxAbsDiff.toExponential(2)}, max rel ${agreement.maxRelDiff.toExponential(2)}, top-1 ${agreement.top1Agreement} over ${agreement.positions} positions`);
    expect(result.verification.passed).toBe(true);
    expect(agreement.maxRelDiff).toBeLessThanOrEqual(MERGED_TOLERANCES[dtype].maxRelDiff!);
  });
});
