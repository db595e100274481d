/** Channel names shared by the Electron main process and the preload bridge. */
export const IPC_CALL = 'hyperadapt:call';
export const IPC_EVENT = 'hyperadapt:event';
