/**
 * What every export starts from: an adapter folder, the base model its adapter_config.json names,
 * and the adapter's vector, loaded only when the base model is the one it was trained on
 * (loadAdapter checks lineage).
 */
import { resolve } from 'node:path';
import { type LoadedAdapter, loadAdapter, readAdapterConfig } from '../adapters/adapter-files';
import { type HfModel, loadHfModel } from '../models/hf-model';
import { computeModelIdentity } from '../models/identity';

export interface ExportSource {
  readonly adapterDir: string;
  readonly model: HfModel;
  readonly adapter: LoadedAdapter;
}

/** `modelDir` overrides the base model path recorded in the adapter (e.g. the model moved). */
export async function openExportSource(adapterDir: string, modelDir?: string): Promise<ExportSource> {
  const dir = resolve(adapterDir);
  const config = await readAdapterConfig(dir);
  const model = await loadHfModel(resolve(modelDir ?? config.base_model.path));
  const identity = await computeModelIdentity(model.dir, model.config, model.weights);
  const adapter = await loadAdapter(dir, model.spec, identity, model.dir);
  return { adapterDir: dir, model, adapter };
}
