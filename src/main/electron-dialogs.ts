/**
 * Browse… in the Electron window opens the system's own dialog. A desktop extra beside the API
 * (the web shell cannot open one; it browses on the server instead), held to the same rules:
 * only our page may ask, and the request is checked before anything opens.
 */
import { BrowserWindow, dialog, ipcMain } from 'electron';
import { fromTrustedPage } from './electron-ipc';
import { IPC_PICK_PATH } from './ipc-channels';
import { openDialogOptions, readPickPathRequest } from './pick-path-options';

export function servePathPicker(rendererUrl: string): () => void {
  ipcMain.handle(IPC_PICK_PATH, async (event, value: unknown): Promise<string | null> => {
    if (!fromTrustedPage(event, rendererUrl)) throw new Error('Refused: a dialog asked for by an unknown page.');
    const options = openDialogOptions(readPickPathRequest(value));
    // Modal to the asking window, so the dialog cannot end up behind it.
    const window = BrowserWindow.fromWebContents(event.sender);
    const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  });
  return () => ipcMain.removeHandler(IPC_PICK_PATH);
}
