/** Human-readable numbers for the UI. */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** Binary multiples, labelled the way operating systems label memory (1 GB = 1024^3 bytes). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = value >= 100 || unit === 0 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}
