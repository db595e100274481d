/**
 * The server-side folder browser of the Model and Data steps, where no native dialog exists (the
 * web shell): the folder listed, and why it could not be. The Data step lists data files too.
 */
import type { FolderListing } from '../../../main/api/contract';
import { api } from './api-client';
import { message } from './library-state.svelte';

export class FolderBrowsing {
  listing = $state.raw<FolderListing | null>(null);
  error = $state<string | null>(null);

  constructor(private readonly dataFiles: boolean) {}

  /** Lists `path` (default: the home folder). */
  async open(path?: string): Promise<void> {
    try {
      this.listing = await api.call('folders.list', { ...(path === undefined ? {} : { path }), ...(this.dataFiles ? { dataFiles: true } : {}) });
      this.error = null;
    } catch (error) {
      this.error = message(error);
    }
  }

  /** Opens at a typed path: the folder itself, or the folder of a typed file. */
  async openNear(typed: string): Promise<void> {
    const path = typed.trim();
    if (path === '') return this.open();
    await this.open(path);
    if (this.error !== null) await this.open(path.replace(/[\\/][^\\/]*$/, '') || '/');
  }

  close(): void {
    this.listing = null;
  }
}
