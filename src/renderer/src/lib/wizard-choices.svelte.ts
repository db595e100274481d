/**
 * Choices one wizard step makes for a later one, kept for this window's session: the max length
 * chosen on the Data step (measured against the data, or raised to fit it) becomes the Train
 * step's, whatever preset is picked there.
 */
class WizardChoices {
  /** Tokens per row chosen on the Data step; null until the user chooses one. */
  maxLength = $state<number | null>(null);
}

export const wizardChoices = new WizardChoices();

/** A preset's settings with the Data step's choices in place of its own. */
export function withDataChoices<T extends { maxLength: number }>(settings: T): T {
  return wizardChoices.maxLength === null ? settings : { ...settings, maxLength: wizardChoices.maxLength };
}
