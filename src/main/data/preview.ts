/**
 * The first rows of a dataset as training sees them, for the Data step: runs of text, each
 * learned (inside the loss) or context (prompt, template, system text). Types only, no Node
 * imports: the API contract returns them (render-preview.ts builds them).
 */

export interface PreviewSegment {
  text: string;
  /** Inside the loss: a token whose label is not -100. */
  learned: boolean;
  /** Past the max length: training never sees it. */
  cut: boolean;
}

export interface RowPreview {
  /** 1-based record index and the line it starts on (null where the file has no lines). */
  row: number;
  line: number | null;
  kind: 'conversation' | 'text' | 'tokens';
  /** In order; concatenated, the row's rendered text (or its ids, without a tokenizer to decode them). */
  segments: PreviewSegment[];
  /** Tokens in the row before truncation; null when it was not tokenized (no model). */
  tokens: number | null;
  /** How the text was made: the model's chat template, the plain template, the decoded ids, the ids themselves, or the text as it is. */
  shownAs: 'model-template' | 'plain-template' | 'decoded' | 'ids' | 'text';
  /** The row is longer than shown: the rest is left out of the preview (not of training). */
  clipped: boolean;
}
