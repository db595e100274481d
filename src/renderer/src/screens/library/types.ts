import type { LibraryKind, LibraryState } from '../../lib/library-state.svelte';

/** What every Library tab receives: the shared state and the one confirmation dialog. */
export interface LibraryTabProps {
  library: LibraryState;
  askDelete: (kind: LibraryKind, id: number, name: string) => void;
}
