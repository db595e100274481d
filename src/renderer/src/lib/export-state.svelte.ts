/**
 * The Export step: an adapter, a format (with the GGUF weight type) and a new destination
 * folder; then the export's progress and its verification, from exports.progress and exports.done.
 */
import type { AdapterRecord, ExportDoneEvent, ExportFormatChoice, ExportProgressEvent, GgufDtypeChoice } from '../../../main/api/contract';
import { api } from './api-client';
import { slug, timestamp } from './export-names';
import { message } from './library-state.svelte';

export const FORMATS: { id: ExportFormatChoice; label: string; description: string }[] = [
  { id: 'gguf', label: 'GGUF', description: 'One file for llama.cpp, Ollama and LM Studio, with an Ollama Modelfile beside it.' },
  { id: 'safetensors', label: 'Merged safetensors', description: 'A Hugging Face model folder with the adapter merged in, for transformers and vLLM.' },
  { id: 'onnx', label: 'ONNX', description: 'The adapted model as an ONNX graph, for onnxruntime.' },
  { id: 'adapter', label: 'Adapter only', description: 'The small adapter files alone; they need the base model beside them.' },
];

export const DTYPES: { id: GgufDtypeChoice; label: string }[] = [
  { id: 'f16', label: 'f16 · half size, near-exact (recommended)' },
  { id: 'bf16', label: 'bf16 · half size, wider range' },
  { id: 'q8_0', label: 'q8_0 · quarter size, about 1% rounding' },
  { id: 'f32', label: 'f32 · full size, exact' },
];

type DoneView = Omit<ExportDoneEvent, 'jobId'>;


export class ExportState {
  adapters = $state.raw<AdapterRecord[]>([]);
  loaded = $state(false);
  loadError = $state<string | null>(null);
  adapterId = $state<number | null>(null);
  format = $state<ExportFormatChoice>('gguf');
  dtype = $state<GgufDtypeChoice>('f16');
  out = $state('');
  /** The folder suggested last; replaced when the choices change, unless the user typed their own. */
  #suggested = '';
  #exportsFolder = '';

  jobId = $state<string | null>(null);
  running = $state(false);
  progress = $state.raw<ExportProgressEvent | null>(null);
  done = $state.raw<DoneView | null>(null);
  error = $state<string | null>(null);

  adapter = $derived(this.adapters.find((adapter) => adapter.id === this.adapterId) ?? null);

  #early: ({ kind: 'progress'; event: ExportProgressEvent } | { kind: 'done'; event: ExportDoneEvent })[] = [];

  async load(): Promise<void> {
    try {
      const [adapters, system] = await Promise.all([api.call('adapters.list', {}), api.call('system.info', {})]);
      this.adapters = adapters;
      this.#exportsFolder = `${system.dataDirectory.replace(/[\\/]+$/, '')}/exports`;
      if (this.adapterId === null || !adapters.some((adapter) => adapter.id === this.adapterId)) this.adapterId = adapters.at(-1)?.id ?? null;
      this.suggest();
      this.loadError = null;
    } catch (error) {
      this.loadError = message(error);
    } finally {
      this.loaded = true;
    }
  }

  /** A fresh folder name for the current choices, unless the user has typed a destination of their own. */
  suggest(): void {
    if (this.out !== this.#suggested || this.adapter === null) return;
    const kind = this.format === 'gguf' ? `gguf-${this.dtype}` : this.format;
    this.out = this.#suggested = `${this.#exportsFolder}/${slug(this.adapter.name, 'adapter')}-${kind}-${timestamp()}`;
  }

  listen(): () => void {
    const stops = [
      api.on('exports.progress', (event) => this.#receive({ kind: 'progress', event })),
      api.on('exports.done', (event) => this.#receive({ kind: 'done', event })),
    ];
    return () => {
      for (const stop of stops) stop();
    };
  }

  #receive(message: { kind: 'progress'; event: ExportProgressEvent } | { kind: 'done'; event: ExportDoneEvent }): void {
    // Events can outrun the reply to exports.start; they wait for its job id.
    if (this.running && this.jobId === null) {
      this.#early.push(message);
      return;
    }
    if (message.event.jobId !== this.jobId) return;
    if (message.kind === 'progress') this.progress = message.event;
    else {
      const { outcome, result, record, message: why } = message.event;
      this.done = { outcome, result, record, message: why };
      this.running = false;
      // The folder just written is taken: the next export suggests a new one.
      if (outcome === 'completed') this.suggest();
    }
  }

  async start(): Promise<void> {
    if (this.adapterId === null || this.running) return;
    this.running = true;
    this.jobId = null;
    this.progress = null;
    this.done = null;
    this.error = null;
    this.#early = [];
    try {
      const { jobId } = await api.call('exports.start', {
        adapterId: this.adapterId,
        format: this.format,
        ...(this.format === 'gguf' && { dtype: this.dtype }),
        out: this.out,
      });
      this.jobId = jobId;
      for (const early of this.#early.splice(0)) this.#receive(early);
    } catch (error) {
      this.running = false;
      this.error = message(error);
    }
  }

  async cancel(): Promise<void> {
    if (this.jobId === null) return;
    try {
      await api.call('exports.cancel', { jobId: this.jobId });
    } catch (error) {
      this.error = message(error);
    }
  }
}
