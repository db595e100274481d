/**
 * The only bridge between the sandboxed page and the app: the API's two functions plus two
 * desktop extras (the native open dialog, a dropped file's path); no Node objects cross it.
 * Sandboxed preloads can only require 'electron'; the channel names import is inlined by the bundler.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { IPC_CALL, IPC_EVENT, IPC_PICK_PATH } from '../main/ipc-channels';
import type { HyperAdaptBridge } from './bridge';

const bridge: HyperAdaptBridge = {
  call: (method, input) => ipcRenderer.invoke(IPC_CALL, method, input),
  onEvent: (listener) => {
    const forward = (_event: IpcRendererEvent, message: Parameters<typeof listener>[0]) => listener(message);
    ipcRenderer.on(IPC_EVENT, forward);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, forward);
    };
  },
  pickPath: (request) => ipcRenderer.invoke(IPC_PICK_PATH, request) as Promise<string | null>,
  // '' for a File the page made itself rather than one dropped from disk.
  pathForFile: (file) => webUtils.getPathForFile(file) || null,
};

contextBridge.exposeInMainWorld('hyperadapt', bridge);
