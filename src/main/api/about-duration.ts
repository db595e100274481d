/**
 * An estimated duration in plain words, for the Train step's Start button and `hyperadapt runs
 * estimate`. Node-free, like contract.ts, so the renderer can use it too.
 */

/** A duration in plain words, rounded as an estimate should be: "about 40 seconds", "about 14 min", "about 2 hours 10 min". */
export function formatAbout(seconds: number): string {
  if (!(seconds >= 0)) return 'unknown';
  if (seconds < 1) return 'under a second';
  if (seconds < 60) {
    const s = seconds < 10 ? Math.round(seconds) : Math.round(seconds / 5) * 5;
    return s >= 60 ? 'about 1 min' : `about ${s} ${s === 1 ? 'second' : 'seconds'}`;
  }
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours >= 48) return `about ${Math.round(hours / 24)} days`;
  const rest = minutes % 60;
  return `about ${hours} ${hours === 1 ? 'hour' : 'hours'}${rest === 0 ? '' : ` ${rest} min`}`;
}
