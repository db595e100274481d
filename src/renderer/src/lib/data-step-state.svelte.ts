/**
 * The Data step: a file chosen by path or through the server-side browser, checked (the
 * pre-flight report, nothing added) with a library model's tokenizer against a max length, then
 * added when the report says it can train, leaving out the rows with errors if the user asks.
 */
import type { AddDatasetResult, DatasetCheck, ModelRecord } from '../../../main/api/contract';
import { api } from './api-client';
import { DEFAULT_MAX_LENGTH, MAX_LENGTH_LIMIT } from './data-fixups';
import { readReport, type PreflightReport } from './dataset-report';
import { FolderBrowsing } from './folder-browsing.svelte';
import { message } from './library-state.svelte';
import { wizardChoices } from './wizard-choices.svelte';

export class DataStepState {
  path = $state('');
  name = $state('');
  readonly browsing = new FolderBrowsing(true);

  check = $state.raw<DatasetCheck | null>(null);
  report = $derived<PreflightReport | null>(this.check ? readReport(this.check.report) : null);
  checkError = $state<string | null>(null);
  checking = $state(false);

  adding = $state(false);
  addError = $state<string | null>(null);
  added = $state.raw<AddDatasetResult | null>(null);

  /** Library models to measure with; the newest is chosen at first, null measures with none. */
  models = $state.raw<ModelRecord[]>([]);
  modelId = $state<number | null>(null);
  maxLength = $state(wizardChoices.maxLength ?? DEFAULT_MAX_LENGTH);
  maxLengthError = $state<string | null>(null);
  /** Leave the rows with errors out (the file is not changed); asked again for each new file. */
  dropInvalidRows = $state(false);

  #generation = 0;
  /** The file of the last check, which a change of model, max length or option checks again. */
  #checkedPath: string | null = null;
  readonly #modelsLoaded: Promise<void>;

  constructor() {
    this.#modelsLoaded = this.#loadModels();
  }

  async #loadModels(): Promise<void> {
    try {
      this.models = await api.call('models.list', {});
      this.modelId = this.models.at(-1)?.id ?? null;
    } catch {
      // Without the list, files are checked for structure only; the library screen says what is wrong.
      this.models = [];
    }
  }

  choose(path: string): void {
    this.path = path;
    this.browsing.close();
    void this.runCheck();
  }

  /** Checks the typed file afresh: no rows are left out until the user asks for this file. */
  async runCheck(): Promise<void> {
    const path = this.path.trim();
    if (path === '') return;
    this.dropInvalidRows = false;
    await this.#runCheck(path, true);
  }

  /** Checks the last file again, with the model, max length and options as they are now. */
  async recheck(): Promise<void> {
    if (this.#checkedPath !== null) await this.#runCheck(this.#checkedPath, false);
  }

  chooseModel(id: number | null): void {
    this.modelId = id;
    void this.recheck();
  }

  /** A max length typed or offered; it also becomes the Train step's. */
  chooseMaxLength(value: number): void {
    if (!Number.isInteger(value) || value < 1 || value > MAX_LENGTH_LIMIT) {
      this.maxLengthError = `A whole number of tokens from 1 to ${MAX_LENGTH_LIMIT.toLocaleString()}.`;
      return;
    }
    this.maxLengthError = null;
    this.maxLength = value;
    wizardChoices.maxLength = value;
    void this.recheck();
  }

  leaveOutInvalidRows(leaveOut: boolean): void {
    this.dropInvalidRows = leaveOut;
    void this.recheck();
  }

  async #runCheck(path: string, fresh: boolean): Promise<void> {
    const generation = ++this.#generation;
    this.checking = true;
    this.added = null;
    this.addError = null;
    this.#checkedPath = path;
    try {
      await this.#modelsLoaded;
      const check = await api.call('datasets.check', {
        path,
        maxLength: this.maxLength,
        ...(this.modelId === null ? {} : { modelId: this.modelId }),
        ...(this.dropInvalidRows ? { readOptions: { dropInvalidRows: true } } : {}),
      });
      if (generation !== this.#generation) return;
      this.check = check;
      this.checkError = null;
      if (fresh) this.name = check.path.split(/[\\/]/).at(-1) ?? '';
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
      // The option the report was made with, so what is added is what was shown.
      const leaveOut = this.report?.invalidRowsLeftOut !== undefined && this.report.invalidRowsLeftOut > 0;
      this.added = await api.call('datasets.add', { path: this.check.path, ...(name === '' ? {} : { name }), ...(leaveOut ? { readOptions: { dropInvalidRows: true } } : {}) });
    } catch (error) {
      this.addError = message(error);
    } finally {
      this.adding = false;
    }
  }
}
