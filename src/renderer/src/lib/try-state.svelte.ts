/**
 * The Try step: an adapter from the library, a prompt, and the base model's and the adapter's
 * answers filling side by side as try.token events arrive for this screen's request.
 */
import type { AdapterRecord, ModelRecord, SavedValidation, TryPane, TryPaneResult, ValidationResult, ValidationSample } from '../../../main/api/contract';
import { api } from './api-client';
import { message } from './library-state.svelte';

export interface PaneView {
  text: string;
  result: TryPaneResult | null;
}

type TryMessage =
  | { kind: 'token'; requestId: string; pane: TryPane; text: string }
  | { kind: 'done'; requestId: string; pane: TryPane; result: TryPaneResult }
  | { kind: 'end'; requestId: string; outcome: 'completed' | 'cancelled' | 'failed'; message: string | null };

const emptyPanes = (): Record<TryPane, PaneView> => ({ base: { text: '', result: null }, adapted: { text: '', result: null } });

/** The most tokens a side try.validation takes (its schema's limit); the prompt box allows more. */
const VALIDATION_MAX_NEW_TOKENS = 1024;

/** This moment as the app writes times (ISO 8601). */
const nowIso = (): string => new Date().toISOString();

/** Chosen here rather than by the app, so Cancel works before try.validation has answered. */
function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `validation-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

export class TryState {
  adapters = $state.raw<AdapterRecord[]>([]);
  models = $state.raw<ModelRecord[]>([]);
  loadError = $state<string | null>(null);
  loaded = $state(false);
  adapterId = $state<number | null>(null);
  prompt = $state('');
  maxNewTokens = $state(96);
  temperature = $state(0);
  seed = $state(0);

  panes = $state<Record<TryPane, PaneView>>(emptyPanes());
  requestId = $state<string | null>(null);
  /** True from the click until try.end: the adapter may still be opening. */
  running = $state(false);
  chat = $state<boolean | null>(null);
  error = $state<string | null>(null);
  stopped = $state(false);

  /**
   * The validation-sample table: the one saved for the chosen adapter, read back when it is
   * chosen; then, once a run starts, its rows as they arrive and its result (stopped early or not).
   */
  validationRows = $state.raw<ValidationSample[]>([]);
  validationTotal = $state<number | null>(null);
  validationResult = $state.raw<ValidationResult | null>(null);
  validationSaved = $state.raw<SavedValidation | null>(null);
  /** Why the saved table could not be read back (a damaged file); a new run replaces it. */
  validationSavedError = $state<string | null>(null);
  validationRunning = $state(false);
  validationRequestId = $state<string | null>(null);
  validationCancelling = $state(false);
  validationError = $state<string | null>(null);
  validationMaxPrompts = $state(8);

  adapter = $derived(this.adapters.find((adapter) => adapter.id === this.adapterId) ?? null);
  /** The adapter's base model: the one it was trained on, which both panes run. */
  model = $derived(this.models.find((model) => model.id === this.adapter?.modelId) ?? null);

  #unsubscribe: (() => void)[] = [];
  /** Events that arrived before try.compare answered with their request id (the socket can be faster than the reply). */
  #early: TryMessage[] = [];

  async load(): Promise<void> {
    try {
      [this.adapters, this.models] = await Promise.all([api.call('adapters.list', {}), api.call('models.list', {})]);
      // The newest adapter is the one just trained, most likely the one to try.
      if (this.adapterId === null || !this.adapters.some((adapter) => adapter.id === this.adapterId)) this.adapterId = this.adapters.at(-1)?.id ?? null;
      this.loadError = null;
    } catch (error) {
      this.loadError = message(error);
    } finally {
      this.loaded = true;
    }
  }

  listen(): () => void {
    this.#unsubscribe = [
      api.on('try.token', (event) => this.#receive({ kind: 'token', ...event })),
      api.on('try.done', (event) => this.#receive({ kind: 'done', ...event })),
      api.on('try.end', (event) => this.#receive({ kind: 'end', ...event })),
      api.on('try.validationProgress', (event) => {
        if (!this.validationRunning || event.requestId !== this.validationRequestId) return;
        this.validationTotal = event.total;
        this.validationRows = [...this.validationRows, event.sample];
      }),
    ];
    return () => {
      for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    };
  }

  #receive(event: TryMessage): void {
    if (this.running && this.requestId === null) {
      this.#early.push(event);
      return;
    }
    if (event.requestId !== this.requestId) return;
    if (event.kind === 'token') this.panes[event.pane].text += event.text;
    else if (event.kind === 'done') this.panes[event.pane] = { text: event.result.text, result: event.result };
    else {
      this.running = false;
      this.stopped = event.outcome === 'cancelled';
      if (event.outcome === 'failed') this.error = event.message;
    }
  }

  async run(): Promise<void> {
    if (this.adapterId === null || this.prompt.trim() === '' || this.running) return;
    this.panes = emptyPanes();
    this.error = null;
    this.stopped = false;
    this.running = true;
    this.requestId = null;
    this.#early = [];
    try {
      const started = await api.call('try.compare', {
        adapterId: this.adapterId,
        prompt: this.prompt,
        maxNewTokens: this.maxNewTokens,
        temperature: this.temperature,
        seed: this.seed,
      });
      this.requestId = started.requestId;
      this.chat = started.chat;
      for (const event of this.#early.splice(0)) this.#receive(event);
    } catch (error) {
      this.running = false;
      this.#early = [];
      this.error = message(error);
    }
  }

  /** Shows the table saved for this adapter, if any, in place of whatever the last adapter showed. */
  async showSavedValidation(adapterId: number): Promise<void> {
    if (this.validationRunning) return;
    this.validationRows = [];
    this.validationTotal = null;
    this.validationResult = null;
    this.validationSaved = null;
    this.validationSavedError = null;
    this.validationError = null;
    try {
      const { saved } = await api.call('try.savedValidation', { adapterId });
      // Another adapter may have been chosen, or a run started, while this was read.
      if (adapterId !== this.adapterId || this.validationRunning || this.validationResult !== null) return;
      this.validationSaved = saved;
      this.validationRows = saved?.samples ?? [];
    } catch (error) {
      if (adapterId === this.adapterId) this.validationSavedError = message(error);
    }
  }

  /** The adapter's validation rows through both models, filling the table row by row. */
  async runValidation(): Promise<void> {
    if (this.adapterId === null || this.validationRunning) return;
    const requestId = newRequestId();
    this.validationRows = [];
    this.validationTotal = null;
    this.validationResult = null;
    this.validationError = null;
    this.validationCancelling = false;
    this.validationRequestId = requestId;
    this.validationRunning = true;
    try {
      const result = await api.call('try.validation', { adapterId: this.adapterId, requestId, maxPrompts: this.validationMaxPrompts, maxNewTokens: Math.min(this.maxNewTokens, VALIDATION_MAX_NEW_TOKENS) });
      this.validationResult = result;
      this.validationRows = result.samples;
      // A finished run replaced the saved table (written just now); one stopped early left it as it was.
      if (result.out !== null) {
        this.validationSaved = { adapterId: result.adapterId, out: result.out, madeAt: nowIso(), samples: result.samples };
        this.validationSavedError = null;
      }
    } catch (error) {
      this.validationError = message(error);
    } finally {
      this.validationRunning = false;
      this.validationCancelling = false;
      this.validationRequestId = null;
    }
  }

  /** Stops the validation run after the row it is on; the rows done stay in the table. */
  async cancelValidation(): Promise<void> {
    if (this.validationRequestId === null || this.validationCancelling) return;
    this.validationCancelling = true;
    try {
      await api.call('try.cancel', { requestId: this.validationRequestId });
    } catch (error) {
      this.validationCancelling = false;
      this.validationError = message(error);
    }
  }

  async cancel(): Promise<void> {
    if (this.requestId === null) return;
    try {
      await api.call('try.cancel', { requestId: this.requestId });
    } catch (error) {
      this.error = message(error);
    }
  }
}
