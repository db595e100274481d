/** What the System screen shows: the one-off info call plus the live usage events. */
import type { SystemInfo, SystemUsage } from '../../../main/api/contract';
import { api } from './api-client';

export class SystemState {
  info = $state<SystemInfo | null>(null);
  usage = $state<SystemUsage | null>(null);
  error = $state<string | null>(null);
  loading = $state(false);

  async load(): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      this.info = await api.call('system.info', {});
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.loading = false;
    }
  }

  /** Returns the function that stops listening. */
  watchUsage(): () => void {
    return api.on('system.usage', (usage) => {
      this.usage = usage;
    });
  }

  /** Free memory from the latest live sample, else from the info call. */
  get freeMemoryBytes(): number | null {
    return this.usage?.freeMemoryBytes ?? this.info?.memory.freeBytes ?? null;
  }
}
