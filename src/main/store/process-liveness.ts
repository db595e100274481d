/**
 * Whether the process that owns a run is still alive. A run is owned by the process training it;
 * when that process is gone (killed, crashed, the machine rebooted) the run is 'interrupted'.
 *
 * A pid alone is not enough after a reboot, when the number may belong to another process, so
 * ownership also records when the machine booted: a different boot means the owner is gone.
 */
import os from 'node:os';

/** Boot times closer than this are the same boot (the estimate moves with wall-clock corrections). */
const SAME_BOOT_TOLERANCE_MS = 2 * 60_000;

/** When this machine booted, in ms since the epoch (to about a second). */
export function bootTimeMs(): number {
  return Math.round(Date.now() - os.uptime() * 1000);
}

export function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    // Signal 0 checks existence and permission without delivering anything.
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function isOwnerAlive(pid: number | null, bootMs: number | null): boolean {
  if (pid === null) return false;
  if (bootMs !== null && Math.abs(bootMs - bootTimeMs()) > SAME_BOOT_TOLERANCE_MS) return false;
  return isProcessAlive(pid);
}
