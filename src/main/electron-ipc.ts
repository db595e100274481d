/**
 * Serves the API to the app's own windows over Electron IPC. Input validation happens in
 * dispatch(), as for the web shell; here we also check that the call comes from our page.
 */
import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { dispatch } from './api/dispatch';
import type { ApiContext } from './api/handlers';
import { IPC_CALL, IPC_EVENT } from './ipc-channels';

/** True for a call from our own renderer page; anything else (another frame, a navigated-away page) is refused. */
export function fromTrustedPage(event: IpcMainInvokeEvent, rendererUrl: string): boolean {
  const url = event.senderFrame?.url ?? '';
  return url.startsWith(rendererUrl);
}

export function serveApiOverIpc(context: ApiContext, rendererUrl: string): () => void {
  ipcMain.handle(IPC_CALL, (event, method: unknown, input: unknown) => {
    if (!fromTrustedPage(event, rendererUrl)) {
      return { ok: false, error: { code: 'internal', message: 'Refused: call from an unknown page.' } };
    }
    if (typeof method !== 'string') {
      return { ok: false, error: { code: 'unknown_method', message: 'The method name must be a string.' } };
    }
    return dispatch(method, input, context);
  });
  const unsubscribe = context.events.subscribe((message) => {
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send(IPC_EVENT, message);
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_CALL);
  };
}
