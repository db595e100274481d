/**
 * The starter kit as the wizard sees it: whether the demo model and sample chats are made, and
 * making them on request. Model and Data steps share one instance, so preparing the kit on the
 * Model step makes the sample data appear on the Data step.
 */
import type { StarterKit } from '../../../main/api/contract';
import { api } from './api-client';
import { message } from './library-state.svelte';

export class StarterState {
  kit = $state.raw<StarterKit | null>(null);
  /** The library has no model yet: a first run, when the kit is offered in full. */
  firstRun = $state(false);
  preparing = $state(false);
  error = $state<string | null>(null);

  async load(): Promise<void> {
    try {
      const [kit, models] = await Promise.all([api.call('starter.status', {}), api.call('models.list', {})]);
      this.kit = kit;
      this.firstRun = models.length === 0;
    } catch (error) {
      this.error = message(error);
    }
  }

  /** The kit, made if needed; null when it could not be (the error says why). */
  async prepare(): Promise<StarterKit | null> {
    this.preparing = true;
    this.error = null;
    try {
      this.kit = await api.call('starter.prepare', {});
      return this.kit;
    } catch (error) {
      this.error = message(error);
      return null;
    } finally {
      this.preparing = false;
    }
  }
}

export const starter = new StarterState();
