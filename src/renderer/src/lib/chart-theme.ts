/**
 * Theme colours for canvas charts. The stylesheet's colours are light-dark() custom properties,
 * which a canvas cannot take; a probe element's computed colour resolves them to rgb() strings
 * for the theme in force, and the chart asks again whenever the theme changes.
 */

export type CssVariable = `--${string}`;

/** The colour each custom property stands for right now, as the probe element sees it. */
export function resolveColours<K extends string>(probe: HTMLElement, variables: Readonly<Record<K, CssVariable>>): Record<K, string> {
  const colours = {} as Record<K, string>;
  for (const key of Object.keys(variables) as K[]) {
    probe.style.color = `var(${variables[key]})`;
    colours[key] = getComputedStyle(probe).color;
  }
  probe.style.removeProperty('color');
  return colours;
}

/**
 * Calls back when the colours may have changed: Settings pins a theme with data-theme on <html>,
 * and with none pinned the system's light or dark setting decides. Returns the unsubscribe.
 */
export function onThemeChange(callback: () => void): () => void {
  const observer = new MutationObserver(callback);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  const media = matchMedia('(prefers-color-scheme: dark)');
  media.addEventListener('change', callback);
  return () => {
    observer.disconnect();
    media.removeEventListener('change', callback);
  };
}
