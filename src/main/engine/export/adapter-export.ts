/**
 * Export of the adapter alone: adapter_model.safetensors and adapter_config.json as training wrote
 * them, plus a README.md model card. Verified before publishing: the copy is loaded back with
 * loadAdapter against the base model (lineage, layout) and run on the probes, which must give the
 * in-app adapted model's logits exactly.
 */
import { copyFile, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, loadAdapter } from '../adapters/adapter-files';
import { GenerationSession } from '../generate/generation-session';
import { computeModelIdentity } from '../models/identity';
import { writeFileAtomic } from '../../fs/atomic-write';
import { withExportFolder } from './export-folder';
import type { ExportSource } from './export-source';
import type { AgreementTolerance } from './logit-agreement';
import { renderModelCard } from './model-card';
import { measureAgreement, type Probe, sessionLogits } from './probes';
import type { ExportControl } from './progress';
import { ExportVerificationError, judge, type Verification } from './verification';

export const MODEL_CARD_FILE = 'README.md';

/** The same vector through the same graph: nothing may differ. */
export const ADAPTER_TOLERANCE: AgreementTolerance = { maxRelDiff: 0, minTop1Agreement: 1 };

export interface AdapterExportResult {
  readonly path: string;
  readonly bytes: number;
  readonly verification: Verification;
}

export async function exportAdapter(source: ExportSource, probes: readonly Probe[], target: string, control: ExportControl = {}): Promise<AdapterExportResult> {
  return withExportFolder(target, async (folder) => {
    for (const name of [ADAPTER_WEIGHTS_FILE, ADAPTER_CONFIG_FILE]) await copyFile(join(source.adapterDir, name), folder.file(name));
    await writeFileAtomic(folder.file(MODEL_CARD_FILE), renderModelCard(source.adapter.config, basename(folder.target)));
    control.onProgress?.({ phase: 'write', done: 1, total: 1, item: ADAPTER_WEIGHTS_FILE });

    const { model } = source;
    const identity = await computeModelIdentity(model.dir, model.config, model.weights);
    const copy = await loadAdapter(folder.temp, model.spec, identity, model.dir);
    const session = await GenerationSession.open(model, copy.layout, { device: 'cpu' });
    let verification: Verification;
    try {
      const agreement = await measureAgreement(probes, sessionLogits(session, copy.vector), control);
      verification = judge('hyperadapt engine (loadAdapter + onnxruntime)', agreement, ADAPTER_TOLERANCE);
    } finally {
      await session.release();
    }
    if (!verification.passed) throw new ExportVerificationError(folder.target, verification);
    let bytes = 0;
    for (const name of await readdir(folder.temp)) bytes += (await stat(folder.file(name))).size;
    return { path: folder.target, bytes, verification };
  });
}
