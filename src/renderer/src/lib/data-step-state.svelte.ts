/**
 * The Data step: a file chosen by path or through the server-side browser, checked (the
 * pre-flight report, nothing added), then added when the report says it can train.
 */
import type { AddDatasetResult, DatasetCheck, FolderListing } from '../../../main/api/contract';
import { api } from './api-client';
import { readReport, type PreflightReport } from './dataset-report';
import { message } from './library-state.svelte';

export class DataStepState {
  path = $state('');
  name = $state('');
  listing = $state.raw<FolderListing | null>(null);
  browseError = $state<string | null>(null);

  check = $state.raw<DatasetCheck | null>(null);
  report = $derived<PreflightReport | null>(this.check ? readReport(this.check.report) : null);
  checkError = $state<string | null>(null);
  checking = $state(false);

  adding = $state(false);
  addError = $state<string | null>(null);
  added = $state.raw<AddDatasetResult | null>(null);

  #generation = 0;

  async browse(path?: string): Promise<void> {
    try {
      this.listing = await api.call('folders.list', { ...(path === undefined ? {} : { path }), dataFiles: true });
      this.browseError = null;
    } catch (error) {
      this.browseError = message(error);
    }
  }

  /** Opens the browser at the typed path: the folder itself, or the folder of a typed file. */
  async browseNear(): Promise<void> {
    const typed = this.path.trim();
    if (typed === '') return this.browse();
    await this.browse(typed);
    if (this.browseError !== null) await this.browse(typed.replace(/[\\/][^\\/]*$/, '') || '/');
  }

  choose(path: string): void {
    this.path = path;
    this.listing = null;
    void this.runCheck();
  }

  async runCheck(): Promise<void> {
    const path = this.path.trim();
    if (path === '') return;
    const generation = ++this.#generation;
    this.checking = true;
    this.added = null;
    this.addError = null;
    try {
      const check = await api.call('datasets.check', { path });
      if (generation !== this.#generation) return;
      this.check = check;
      this.checkError = null;
      this.name = check.path.split(/[\\/]/).at(-1) ?? '';
    } catch (error) {
      if (generation !== this.#generation) return;
      this.check = null;
      this.checkError = message(error);
    } finally {
      if (generation === this.#generation) this.checking = false;
    }
  }

  async add(): Promise<void> {
    if (!this.check) return;
    this.adding = true;
    this.addError = null;
    try {
      const name = this.name.trim();
      this.added = await api.call('datasets.add', { path: this.check.path, ...(name === '' ? {} : { name }) });
    } catch (error) {
      this.addError = message(error);
    } finally {
      this.adding = false;
    }
  }
}
