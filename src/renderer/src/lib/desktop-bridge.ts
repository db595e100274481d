/**
 * The Electron-only extras of the preload bridge (native open dialog, a dropped file's path), or
 * null in a browser, where the web shell's server-side browser and uploads stand in for them.
 */
import type { HyperAdaptBridge } from '../../../preload/bridge';

export type DesktopExtras = Pick<HyperAdaptBridge, 'pickPath' | 'pathForFile'>;

export function desktopExtras(): DesktopExtras | null {
  return typeof window === 'undefined' ? null : (window.hyperadapt ?? null);
}
