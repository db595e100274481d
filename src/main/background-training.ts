/**
 * Closing the window does not stop training. When the last window closes while a run trains (or
 * waits its turn), the app stays in the system tray, says so once, and quits by itself when
 * training ends; the tray, or launching the app again, brings the window back, and the Train
 * step follows the run from where it is. Where no run trains, closing the window quits as usual
 * (on macOS the app stays in the dock, as apps there do).
 */
import { app, Menu, Notification, Tray, nativeImage } from 'electron';

/** How often, in the background, the app looks whether training has ended. */
const IDLE_POLL_MS = 2000;

export interface BackgroundTrainingOptions {
  /** Whether this process is training a run or has one queued. */
  busy: () => boolean;
  iconPath: string;
  /** Opens (or focuses) the window. */
  openWindow: () => void;
}

export class BackgroundTraining {
  #tray: Tray | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: BackgroundTrainingOptions) {}

  /** The last window closed: stay for a run that trains, else quit. */
  lastWindowClosed(): void {
    if (process.platform === 'darwin') return;
    if (!this.options.busy()) {
      app.quit();
      return;
    }
    this.#showTray();
    if (Notification.isSupported()) {
      new Notification({ title: 'Training continues', body: 'HyperAdapt Studio keeps training in the background and quits when the run ends. Open it again from the tray or the app menu.' }).show();
    }
    this.#timer ??= setInterval(() => {
      if (this.options.busy()) return;
      this.#stop();
      app.quit();
    }, IDLE_POLL_MS);
  }

  /** A window is open again: the foreground takes over. */
  windowOpened(): void {
    this.#stop();
  }

  #showTray(): void {
    if (this.#tray) return;
    const tray = new Tray(nativeImage.createFromPath(this.options.iconPath));
    tray.setToolTip('HyperAdapt Studio: training in the background');
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Open HyperAdapt Studio', click: () => this.options.openWindow() },
        { type: 'separator' },
        // Quitting stops the run after its step with a checkpoint, so it can be resumed later.
        { label: 'Quit (training stops with a checkpoint)', click: () => app.quit() },
      ]),
    );
    tray.on('click', () => this.options.openWindow());
    this.#tray = tray;
  }

  #stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#tray?.destroy();
    this.#tray = null;
  }
}
