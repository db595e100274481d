/** The Settings screen: preferences (device, threads, theme) and the data folder. */
import type { DataDirectorySetting, Preferences, SystemInfo } from '../../../main/api/contract';
import { api } from './api-client';
import { message } from './library-state.svelte';
import { theme } from './theme.svelte';

export class SettingsState {
  preferences = $state.raw<Preferences | null>(null);
  dataDirectory = $state.raw<DataDirectorySetting | null>(null);
  system = $state.raw<SystemInfo | null>(null);
  loadError = $state<string | null>(null);

  /** The training form's draft, saved together. */
  device = $state<Preferences['device']>('auto');
  automaticThreads = $state(true);
  threads = $state(1);
  trainingStatus = $state<{ ok: boolean; text: string } | null>(null);

  folderDraft = $state('');
  folderStatus = $state<{ ok: boolean; text: string } | null>(null);

  cudaAvailable = $derived(this.system?.executionProviders.available.includes('cuda') ?? false);

  async load(): Promise<void> {
    try {
      const [preferences, dataDirectory, system] = await Promise.all([
        api.call('settings.preferences', {}),
        api.call('settings.dataDirectory', {}),
        api.call('system.info', {}),
      ]);
      this.preferences = preferences;
      this.dataDirectory = dataDirectory;
      this.system = system;
      this.device = preferences.device;
      this.automaticThreads = preferences.threads === null;
      this.threads = preferences.threads ?? system.cpu.cores;
      this.folderDraft = dataDirectory.chosen ?? '';
      this.loadError = null;
    } catch (error) {
      this.loadError = message(error);
    }
  }

  async saveTraining(): Promise<void> {
    try {
      this.preferences = await api.call('settings.setPreferences', { device: this.device, threads: this.automaticThreads ? null : this.threads });
      this.trainingStatus = { ok: true, text: 'Saved. New runs use these.' };
    } catch (error) {
      this.trainingStatus = { ok: false, text: message(error) };
    }
  }

  async saveTheme(choice: Preferences['theme']): Promise<void> {
    theme.current = choice;
    this.preferences = await api.call('settings.setPreferences', { theme: choice });
  }

  /** null: back to the platform's default folder. */
  async saveFolder(path: string | null): Promise<void> {
    try {
      this.dataDirectory = await api.call('settings.setDataDirectory', { path });
      this.folderDraft = this.dataDirectory.chosen ?? '';
      this.folderStatus = { ok: true, text: this.dataDirectory.restartRequired ? 'Saved. Restart the app to switch to it; nothing is moved.' : 'Saved.' };
    } catch (error) {
      this.folderStatus = { ok: false, text: message(error) };
    }
  }
}
