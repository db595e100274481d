/**
 * The only bridge between the sandboxed page and the app: two functions, no Node objects.
 * Sandboxed preloads can only require 'electron'; the channel names import is inlined by the bundler.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CALL, IPC_EVENT } from '../main/ipc-channels';
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
};

contextBridge.exposeInMainWorld('hyperadapt', bridge);
