/**
 * The Train step's form: a model and a dataset from the library, a preset or numbers of one's
 * own, the modules to adapt, the memory the run will need on its device and the time it will
 * take (SpeedState), and Start. Field errors come back from the API's own validation (the same
 * schema the CLI uses), keyed by setting.
 */
import type { DatasetRecord, ModelRecord, SystemInfo, TargetModuleInfo } from '../../../main/api/contract';
import { api, ApiCallError } from './api-client';
import { message } from './library-state.svelte';
import { presetSettings, recommendedPreset, toRunSettings, type EditableSettings, type PresetId } from './presets';
import { SpeedState } from './speed-state.svelte';
import { memoryTarget, memoryWarning } from './train-estimate';
import { withDataChoices } from './wizard-choices.svelte';

export class TrainStepState {
  models = $state.raw<ModelRecord[]>([]);
  datasets = $state.raw<DatasetRecord[]>([]);
  modelId = $state<number | null>(null);
  datasetId = $state<number | null>(null);
  name = $state('');

  preset = $state<PresetId | 'custom'>('balanced');
  settings = $state<EditableSettings>({ ...withDataChoices(presetSettings('balanced')), device: 'auto', targets: null });
  showAdvanced = $state(false);

  memoryBytes = $state<number | null>(null);
  /** The model's adaptable modules with their trainable counts, from models.inspect. */
  modules = $state.raw<TargetModuleInfo[]>([]);
  /** For the device the memory figure is for and what it has; null until read (or unreadable). */
  system = $state.raw<SystemInfo | null>(null);
  readonly speed = new SpeedState();
  loadError = $state<string | null>(null);
  startError = $state<string | null>(null);
  fieldErrors = $state<Record<string, string>>({});
  starting = $state(false);

  dataset = $derived(this.datasets.find((d) => d.id === this.datasetId) ?? null);
  recommended = $derived<PresetId | null>(this.dataset ? recommendedPreset(this.dataset.rows) : null);
  memoryDevice = $derived(memoryTarget(this.settings.device, this.system, this.speed.estimate?.device ?? null));
  memoryWarning = $derived(this.memoryBytes === null ? null : memoryWarning(this.memoryBytes, this.memoryDevice));
  #estimateGeneration = 0;

  async load(): Promise<void> {
    try {
      const [models, datasets, preferences] = await Promise.all([api.call('models.list', {}), api.call('datasets.list', {}), api.call('settings.preferences', {})]);
      this.models = models;
      this.datasets = datasets;
      this.settings.device = preferences.device;
      this.modelId ??= models.at(-1)?.id ?? null;
      if (this.datasetId === null && datasets.length > 0) this.chooseDataset(datasets.at(-1)!.id);
      this.loadError = null;
      // Only for saying which device the memory is for: the form works without it.
      void api.call('system.info', {}).then((info) => (this.system = info), () => undefined);
      void this.estimate();
    } catch (error) {
      this.loadError = message(error);
    }
  }

  chooseDataset(id: number): void {
    this.datasetId = id;
    if (this.preset !== 'custom' && this.recommended) this.choosePreset(this.recommended);
    else void this.estimate();
  }

  choosePreset(id: PresetId): void {
    this.preset = id;
    this.settings = { ...withDataChoices(presetSettings(id)), device: this.settings.device, targets: this.settings.targets };
    this.fieldErrors = {};
    void this.estimate();
  }

  /** Any edit under Advanced makes the numbers the user's own. */
  edited(): void {
    this.preset = 'custom';
    void this.estimate();
  }

  /** Memory and trainable counts from models.inspect; the time figure from SpeedState, once the settings settle. */
  async estimate(): Promise<void> {
    this.speed.request(this.modelId, this.datasetId, this.settings);
    const model = this.models.find((m) => m.id === this.modelId);
    const { batchSize, maxLength, targets } = this.settings;
    if (!model || !(batchSize >= 1) || !(maxLength >= 1) || targets?.length === 0) {
      this.memoryBytes = null;
      return;
    }
    const generation = ++this.#estimateGeneration;
    try {
      const inspection = await api.call('models.inspect', { path: model.path, batch: batchSize, seqLen: maxLength, ...(targets === null ? {} : { targets }) });
      if (generation === this.#estimateGeneration) {
        this.memoryBytes = inspection.memory.totalBytes;
        this.modules = inspection.targets;
      }
    } catch {
      // An out-of-range number: the field error at Start says why; no estimate meanwhile.
      if (generation === this.#estimateGeneration) this.memoryBytes = null;
    }
  }

  /** Returns the new run's id, or null when it could not start (the errors say why). */
  async start(): Promise<number | null> {
    if (this.modelId === null || this.datasetId === null) return null;
    this.starting = true;
    this.startError = null;
    this.fieldErrors = {};
    try {
      const name = this.name.trim();
      const run = await api.call('runs.start', { modelId: this.modelId, datasetId: this.datasetId, ...(name === '' ? {} : { name }), settings: toRunSettings(this.settings) });
      this.speed.hold(); // the run has the machine now: measuring would only be refused
      return run.id;
    } catch (error) {
      if (error instanceof ApiCallError && error.body.issues) {
        this.fieldErrors = Object.fromEntries(error.body.issues.map((issue) => [issue.path.replace(/^settings\./, ''), issue.message]));
        this.showAdvanced = true;
        this.startError = 'Some settings are out of range; see the marked fields.';
      } else {
        this.startError = message(error);
      }
      return null;
    } finally {
      this.starting = false;
    }
  }
}
