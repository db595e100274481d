/**
 * What the Library screen shows: every model, dataset, run, adapter and export, plus each
 * run's training-loss curve for its sparkline. Lists are replaced whole on every load, so
 * they are raw state; run status events trigger a reload so a run finishing elsewhere
 * (the CLI, another window) shows up without a refresh.
 */
import type { AdapterRecord, DatasetRecord, ExportRecord, ModelRecord, RunRecord } from '../../../main/api/contract';
import { api } from './api-client';

export type LibraryKind = 'model' | 'dataset' | 'run' | 'adapter' | 'export';

/** Runs that runs.resume accepts: it continues from the newest checkpoint that verifies. */
export const RESUMABLE: readonly RunRecord['status'][] = ['paused', 'interrupted', 'cancelled', 'failed'];

export class LibraryState {
  models = $state.raw<ModelRecord[]>([]);
  datasets = $state.raw<DatasetRecord[]>([]);
  runs = $state.raw<RunRecord[]>([]);
  adapters = $state.raw<AdapterRecord[]>([]);
  exports = $state.raw<ExportRecord[]>([]);
  /** Training loss per run id, in step order, for the sparklines. */
  losses = $state.raw<Readonly<Record<number, number[]>>>({});
  loaded = $state(false);
  error = $state<string | null>(null);

  modelName(id: number | null): string {
    return id === null ? '—' : (this.models.find((m) => m.id === id)?.name ?? `model ${id} (deleted)`);
  }

  datasetName(id: number | null): string {
    return id === null ? '—' : (this.datasets.find((d) => d.id === id)?.name ?? `dataset ${id} (deleted)`);
  }

  runName(id: number | null): string {
    return id === null ? 'a deleted run' : (this.runs.find((r) => r.id === id)?.name ?? `run ${id}`);
  }

  adapterOf(runId: number): AdapterRecord | undefined {
    return this.adapters.find((a) => a.runId === runId);
  }

  /** Loads overlap when events come quickly; only the newest one may write, else an older snapshot wins. */
  #generation = 0;

  async load(): Promise<void> {
    const generation = ++this.#generation;
    try {
      const [models, datasets, runs, adapters, exports] = await Promise.all([
        api.call('models.list', {}),
        api.call('datasets.list', {}),
        api.call('runs.list', {}),
        api.call('adapters.list', {}),
        api.call('exports.list', {}),
      ]);
      const curves = await Promise.all(runs.map(async (run) => [run.id, await this.#trainLoss(run.id)] as const));
      if (generation !== this.#generation) return;
      this.models = models;
      this.datasets = datasets;
      this.runs = runs;
      this.adapters = adapters;
      this.exports = exports;
      this.losses = Object.fromEntries(curves);
      this.error = null;
      this.loaded = true;
    } catch (error) {
      if (generation !== this.#generation) return;
      this.error = message(error);
      this.loaded = true;
    }
  }

  async #trainLoss(runId: number): Promise<number[]> {
    const points = await api.call('runs.metrics', { id: runId });
    return points.flatMap((p) => (p.split === 'train' && p.loss !== null ? [p.loss] : []));
  }

  /** Returns the function that stops listening. */
  watch(): () => void {
    return api.on('runs.status', () => void this.load());
  }

  /** Each action reloads afterwards; a failure is thrown for the caller to show in place. */
  async rename(kind: Exclude<LibraryKind, 'export'>, id: number, name: string, tags: string[]): Promise<void> {
    switch (kind) {
      case 'model':
        await api.call('models.rename', { id, name });
        await api.call('models.tag', { id, tags });
        break;
      case 'dataset':
        await api.call('datasets.rename', { id, name });
        await api.call('datasets.tag', { id, tags });
        break;
      case 'run':
        await api.call('runs.rename', { id, name });
        await api.call('runs.tag', { id, tags });
        break;
      case 'adapter':
        await api.call('adapters.rename', { id, name });
        await api.call('adapters.tag', { id, tags });
        break;
    }
    await this.load();
  }

  async annotate(kind: 'run' | 'adapter', id: number, notes: string): Promise<void> {
    await api.call(kind === 'run' ? 'runs.annotate' : 'adapters.annotate', { id, notes });
    await this.load();
  }

  async remove(kind: LibraryKind, id: number): Promise<void> {
    const method = ({ model: 'models.delete', dataset: 'datasets.delete', run: 'runs.delete', adapter: 'adapters.delete', export: 'exports.delete' } as const)[kind];
    await api.call(method, { id });
    await this.load();
  }

  async runAction(action: 'resume' | 'pause' | 'cancel', id: number): Promise<void> {
    await api.call(`runs.${action}`, { id });
    await this.load();
  }
}

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
