/**
 * User stop strings over streamed text. Text that might be the start of a stop string is held
 * back until the next piece settles it, so a stop string never reaches the reader, not even in
 * part: generation ends and the text is cut where the earliest stop string begins.
 */
export class StopStrings {
  #held = '';
  #stopped = false;

  constructor(private readonly stops: readonly string[]) {
    if (stops.some((s) => s === '')) throw new RangeError('stop strings must not be empty');
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Adds streamed text; returns what can be shown now, and whether a stop string was completed. */
  push(text: string): { emit: string; stopped: boolean } {
    if (this.#stopped) return { emit: '', stopped: true };
    // A full stop string cannot lie in text already shown: its start would have been held back.
    const buffer = this.#held + text;
    const at = this.#earliestStop(buffer);
    if (at !== null) {
      this.#held = '';
      this.#stopped = true;
      return { emit: buffer.slice(0, at), stopped: true };
    }
    const keep = this.#partialStopSuffix(buffer);
    this.#held = buffer.slice(buffer.length - keep);
    return { emit: buffer.slice(0, buffer.length - keep), stopped: false };
  }

  /** At the end of generation: the held text, which turned out not to be a stop string. */
  flush(): string {
    const held = this.#held;
    this.#held = '';
    return held;
  }

  #earliestStop(text: string): number | null {
    let best: number | null = null;
    for (const stop of this.stops) {
      const i = text.indexOf(stop);
      if (i >= 0 && (best === null || i < best)) best = i;
    }
    return best;
  }

  /** Length of the longest suffix of `text` that is a proper prefix of some stop string. */
  #partialStopSuffix(text: string): number {
    let longest = 0;
    for (const stop of this.stops) {
      for (let n = Math.min(stop.length - 1, text.length); n > longest; n--) {
        if (text.endsWith(stop.slice(0, n))) {
          longest = n;
          break;
        }
      }
    }
    return longest;
  }
}
