/** The Electron main process: one window, the API over IPC, nothing heavy on this thread. */
import { app, BrowserWindow, dialog, session, shell } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ApiEventBus } from './api/events';
import { openLibraryService, type LibraryService } from './api/library-service';
import { BackgroundTraining } from './background-training';
import { dataDirectory } from './data-directory';
import { servePathPicker } from './electron-dialogs';
import { serveApiOverIpc } from './electron-ipc';
import { startUsageSampler } from './system/usage-sampler';

const events = new ApiEventBus();
let library: LibraryService | null = null;
let background: BackgroundTraining | null = null;
let mainWindow: BrowserWindow | null = null;
const ICON = join(__dirname, '../../resources/icon.png');

// One app per user: launching it again (say, while it trains in the background) shows the window of the one running.
const primary = app.requestSingleInstanceLock();
if (!primary) app.quit();

/** electron-vite sets ELECTRON_RENDERER_URL while developing; a build loads the bundled page. */
function rendererUrl(): string {
  const devServer = process.env['ELECTRON_RENDERER_URL'];
  if (!app.isPackaged && devServer) return devServer;
  return pathToFileURL(join(__dirname, '../renderer/index.html')).href;
}

function createWindow(url: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 820,
    minHeight: 560,
    show: false,
    title: 'HyperAdapt Studio',
    icon: ICON,
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
    },
  });
  window.once('ready-to-show', () => window.show());
  // Links to the outside world open in the user's browser, never inside the app.
  window.webContents.setWindowOpenHandler(({ url: target }) => {
    if (target.startsWith('https:')) void shell.openExternal(target);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, target) => {
    if (!target.startsWith(url)) event.preventDefault();
  });
  void window.loadURL(url);
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  return window;
}

/** Shows the window, making it again if it was closed. */
function showWindow(url: string): void {
  if (mainWindow) {
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
    return;
  }
  background?.windowOpened();
  mainWindow = createWindow(url);
}

app.whenReady().then(() => {
  if (!primary) return;
  // The renderer needs no camera, microphone, notifications or the like.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  try {
    library = openLibraryService(dataDirectory(), events);
  } catch (error) {
    // A library from a newer version, an unreadable folder: nothing works without it, so say why and stop.
    dialog.showErrorBox('HyperAdapt Studio cannot open its library', error instanceof Error ? error.message : String(error));
    app.exit(1);
    return;
  }
  const url = rendererUrl();
  serveApiOverIpc({ events, library }, url);
  servePathPicker(url);
  startUsageSampler(events);
  const service = library;
  background = new BackgroundTraining({ busy: () => service.runs.busy, iconPath: ICON, openWindow: () => showWindow(url) });
  showWindow(url);
  app.on('activate', () => showWindow(url));
  app.on('second-instance', () => showWindow(url));
});

// A run still training stops after its step with a checkpoint (it becomes 'interrupted', resumable) before the app exits.
let closed = false;
app.on('before-quit', (event) => {
  if (!library || closed) return;
  event.preventDefault();
  closed = true;
  void library.close().finally(() => app.quit());
});

// Training keeps going with the window closed; without a run, closing the window quits (not on macOS).
app.on('window-all-closed', () => {
  if (background) background.lastWindowClosed();
  else if (process.platform !== 'darwin') app.quit();
});
