/** Pushes a system.usage event at a fixed interval while the host (app window or web shell) runs. */
import type { ApiEventBus } from '../api/events';
import { sampleSystemUsage } from './system-info';

export function startUsageSampler(events: ApiEventBus, intervalMs = 2000): () => void {
  const timer = setInterval(() => {
    // Sampling costs a few syscalls; skip it while nobody is listening.
    if (events.listenerCount > 0) events.emit('system.usage', sampleSystemUsage());
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
