/**
 * The Model step: a folder chosen by path or through the server-side browser, inspected before
 * it is added, then added with progress. Inspection reruns when batch or sequence length change,
 * since the memory estimate depends on both.
 */
import type { AddModelResult, ModelAddProgressEvent, ModelInspection } from '../../../main/api/contract';
import { api } from './api-client';
import { FolderBrowsing } from './folder-browsing.svelte';
import { message } from './library-state.svelte';

export class ModelStepState {
  path = $state('');
  batch = $state(4);
  seqLen = $state(512);
  name = $state('');

  readonly browsing = new FolderBrowsing(false);

  inspection = $state.raw<ModelInspection | null>(null);
  inspectError = $state<string | null>(null);
  inspecting = $state(false);

  progress = $state.raw<ModelAddProgressEvent | null>(null);
  adding = $state(false);
  addError = $state<string | null>(null);
  added = $state.raw<AddModelResult | null>(null);

  /** Only the newest inspection may write: a slow one for an older batch must not win. */
  #inspectGeneration = 0;

  choose(path: string): void {
    this.path = path;
    this.browsing.close();
    void this.inspect();
  }

  async inspect(): Promise<void> {
    const path = this.path.trim();
    if (path === '') return;
    const generation = ++this.#inspectGeneration;
    this.inspecting = true;
    this.added = null;
    try {
      const inspection = await api.call('models.inspect', { path, batch: this.batch, seqLen: this.seqLen });
      if (generation !== this.#inspectGeneration) return;
      this.inspection = inspection;
      this.inspectError = null;
      if (this.name === '') this.name = inspection.path.split(/[\\/]/).filter(Boolean).at(-1) ?? '';
    } catch (error) {
      if (generation !== this.#inspectGeneration) return;
      this.inspection = null;
      this.inspectError = message(error);
    } finally {
      if (generation === this.#inspectGeneration) this.inspecting = false;
    }
  }

  async add(): Promise<void> {
    const inspection = this.inspection;
    if (!inspection) return;
    this.adding = true;
    this.addError = null;
    this.progress = null;
    const stop = api.on('models.addProgress', (progress) => {
      if (progress.source === inspection.path) this.progress = progress;
    });
    try {
      const name = this.name.trim();
      this.added = await api.call('models.add', { path: inspection.path, ...(name === '' ? {} : { name }) });
    } catch (error) {
      this.addError = message(error);
    } finally {
      stop();
      this.adding = false;
    }
  }
}
