/**
 * Export as ONNX for onnxruntime in any language: the merged Hugging Face folder (its safetensors
 * hold the weights) plus model.onnx, our generation graph with a KV cache whose initializers are
 * external data pointing into those files (onnxruntime maps them; nothing is duplicated).
 *
 *   inputs   input_ids                   int64   [1, T]
 *            past_key_values.{l}.key     float32 [1, KV, P, Dh]   P = 0 on the first run
 *            past_key_values.{l}.value   float32 [1, KV, P, Dh]
 *   outputs  logits                      float32 [1, V]           the last token's
 *            present.{l}.key / .value    float32 [1, KV, P+T, Dh] feed back as the next past
 *
 * Verified before publishing by running it in onnxruntime-node directly on the probes.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { buildGenerationGraph, GENERATION_INPUTS } from '../../generate/generation-graph';
import { identityAdapterVector } from '../../models/adapter-layout';
import { loadHfModel } from '../../models/hf-model';
import { WEIGHTS_INDEX_FILE } from '../../models/weights';
import { serializeModel } from '../../onnx/serialize';
import { writeFileAtomic } from '../../../fs/atomic-write';
import { withExportFolder } from '../export-folder';
import type { ExportSource } from '../export-source';
import { MERGED_TOLERANCES } from '../merged-safetensors';
import type { FloatDtype } from '../merge';
import { writeMergedWeights } from '../merged-weights';
import { COMPANION_FILES, copyCompanionFiles } from '../model-files';
import { measureAgreement, type Probe } from '../probes';
import type { ExportControl } from '../progress';
import { ExportVerificationError, judge, type Verification } from '../verification';
import { freezeInput } from './freeze-input';
import { openOnnxModel } from './onnx-runner';

export const ONNX_FILE = 'model.onnx';

export interface OnnxExportResult {
  readonly path: string;
  readonly bytes: number;
  readonly verification: Verification;
}

export async function exportOnnx(source: ExportSource, probes: readonly Probe[], target: string, control: ExportControl = {}): Promise<OnnxExportResult> {
  const { model, adapter } = source;
  return withExportFolder(target, async (folder) => {
    await copyCompanionFiles(model.dir, folder.temp, [...COMPANION_FILES, WEIGHTS_INDEX_FILE]);
    await writeMergedWeights(model.weights, adapter.layout, adapter.vector, folder.temp, control);
    const merged = await loadHfModel(folder.temp);
    const { graph, layout } = buildGenerationGraph(merged, { targets: adapter.layout.targets });
    freezeInput(graph, GENERATION_INPUTS.adapterParams, identityAdapterVector(layout));
    await writeFileAtomic(folder.file(ONNX_FILE), serializeModel(graph));

    const dtype = merged.weights.tensors.get(merged.spec.embedTokens)!.info.dtype as FloatDtype;
    const runner = await openOnnxModel(folder.file(ONNX_FILE), merged.config);
    let verification: Verification;
    try {
      const agreement = await measureAgreement(probes, runner.logits, control);
      verification = judge('onnxruntime-node (CPU)', agreement, MERGED_TOLERANCES[dtype]);
    } finally {
      await runner.close();
    }
    if (!verification.passed) throw new ExportVerificationError(folder.target, verification);
    let bytes = 0;
    for (const name of await readdir(folder.temp)) bytes += (await stat(join(folder.temp, name))).size;
    return { path: folder.target, bytes, verification };
  });
}
