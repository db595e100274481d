/**
 * Export as a merged Hugging Face folder (for transformers, vLLM, and this app): the base model's
 * files with every adapted weight replaced by a[i]·W[i, j]·b[j], in the base dtype and sharding.
 *
 * Verified before it is published: the folder, still under its temp name, is loaded back through
 * our own loader (loadHfModel) and its next-token logits on the probes are compared with the
 * in-app adapted model's. The graph file that check leaves behind is removed, then the folder is
 * renamed onto the target.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { GenerationSession } from '../generate/generation-session';
import { adapterLayout, identityAdapterVector } from '../models/adapter-layout';
import { loadHfModel } from '../models/hf-model';
import type { LinearModule } from '../models/spec';
import { WEIGHTS_INDEX_FILE } from '../models/weights';
import { type ExportFolder, withExportFolder } from './export-folder';
import type { ExportSource } from './export-source';
import type { AgreementTolerance } from './logit-agreement';
import type { FloatDtype } from './merge';
import { writeMergedWeights } from './merged-weights';
import { COMPANION_FILES, copyCompanionFiles } from './model-files';
import { measureAgreement, type Probe, sessionLogits } from './probes';
import type { ExportControl } from './progress';
import { ExportVerificationError, judge, type Verification } from './verification';

/**
 * Differences the merge itself may cause, by the stored dtype of the weights. F32: only float32
 * rounding (a·W·b against (x·b)W·a). F16/BF16: the merged weight is rounded once more to the
 * stored dtype (relative error 2^-11 and 2^-8 per weight), which the in-app model never does.
 */
export const MERGED_TOLERANCES: Readonly<Record<FloatDtype, AgreementTolerance>> = {
  F32: { maxRelDiff: 1e-5, minTop1Agreement: 1 },
  F16: { maxRelDiff: 5e-3, minTop1Agreement: 0.9 },
  BF16: { maxRelDiff: 4e-2, minTop1Agreement: 0.8 },
};

export interface MergedExportResult {
  readonly path: string;
  readonly bytes: number;
  readonly dtype: FloatDtype;
  readonly verification: Verification;
}

export async function exportMergedSafetensors(source: ExportSource, probes: readonly Probe[], target: string, control: ExportControl = {}): Promise<MergedExportResult> {
  const { model, adapter } = source;
  return withExportFolder(target, async (folder) => {
    // The shard index is copied as is: the merged files keep every name, dtype and size.
    await copyCompanionFiles(model.dir, folder.temp, [...COMPANION_FILES, WEIGHTS_INDEX_FILE]);
    await writeMergedWeights(model.weights, adapter.layout, adapter.vector, folder.temp, control);
    const dtype = storedDtype(source);
    const verification = await verifyMergedFolder(folder, adapter.layout.targets, probes, MERGED_TOLERANCES[dtype], control);
    if (!verification.passed) throw new ExportVerificationError(folder.target, verification);
    control.onProgress?.({ phase: 'publish', done: 0, total: 1, item: folder.target });
    return { path: folder.target, bytes: await folderBytes(folder.temp), dtype, verification };
  });
}

/** Loads the merged folder with our loader and runs the probes on it with a = b = 1. */
async function verifyMergedFolder(folder: ExportFolder, targets: readonly LinearModule[], probes: readonly Probe[], tolerance: AgreementTolerance, control: ExportControl): Promise<Verification> {
  const merged = await loadHfModel(folder.temp);
  // The same graph as the reference, fed a = b = 1: the merged weights alone must carry the adapter.
  const layout = adapterLayout(merged.spec, targets);
  const session = await GenerationSession.open(merged, layout, { device: 'cpu' });
  try {
    const agreement = await measureAgreement(probes, sessionLogits(session, identityAdapterVector(layout)), control);
    return judge('hyperadapt engine (loadHfModel + onnxruntime)', agreement, tolerance);
  } finally {
    await session.release();
    await removeGraphFiles(folder.temp);
  }
}

/** The dtype the adapted weights are stored in (the loader allows only F32, F16 and BF16). */
function storedDtype({ model, adapter }: ExportSource): FloatDtype {
  const first = adapter.layout.slots[0];
  const name = first ? `${first.path}.weight` : model.weights.tensors.keys().next().value!;
  return model.weights.tensors.get(name)!.info.dtype as FloatDtype;
}

/** Graph files our session wrote into the folder (onnxruntime needs them beside the weights). */
async function removeGraphFiles(dir: string): Promise<void> {
  for (const name of await readdir(dir)) if (name.startsWith('.hyperadapt-')) await rm(join(dir, name), { force: true });
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) total += (await stat(join(dir, name))).size;
  return total;
}
