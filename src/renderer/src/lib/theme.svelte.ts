/**
 * The theme preference, applied as data-theme on <html>. 'system' removes the attribute so the
 * stylesheet's light-dark() colours follow the system; 'light' and 'dark' pin it. The choice lives in
 * settings.json (through the API), so the desktop app and the web shell agree.
 */
import type { ThemeChoice } from '../../../main/api/contract';
import { api } from './api-client';

class Theme {
  #choice = $state<ThemeChoice>('system');

  get current(): ThemeChoice {
    return this.#choice;
  }

  /** Applies at once; the caller persists it (Settings saves it with the API). */
  set current(choice: ThemeChoice) {
    this.#choice = choice;
    if (choice === 'system') document.documentElement.removeAttribute('data-theme');
    else document.documentElement.setAttribute('data-theme', choice);
  }

  async load(): Promise<void> {
    this.current = (await api.call('settings.preferences', {})).theme;
  }
}

export const theme = new Theme();
