/** Channel names shared by the Electron main process and the preload bridge. */
export const IPC_CALL = 'hyperadapt:call';
export const IPC_EVENT = 'hyperadapt:event';
/** The native open dialog (Electron only; the web shell browses on the server instead). */
export const IPC_PICK_PATH = 'hyperadapt:pick-path';
