/**
 * The dataset formats we read, and the one shape each becomes. Conversations (chat, ShareGPT,
 * Alpaca, prompt/completion, classification) are turns rendered through the chat template;
 * plain text is learned whole; pre-tokenized rows go to the trainer as they are.
 */

export const FORMATS = {
  chat: { name: 'chat messages', fields: '"messages": a list of {"role", "content"} (OpenAI)' },
  sharegpt: { name: 'ShareGPT', fields: '"conversations": a list of {"from", "value"}' },
  alpaca: { name: 'Alpaca', fields: '"instruction", "input" (optional), "output"' },
  'prompt-completion': { name: 'prompt/completion', fields: '"prompt", "completion"' },
  classification: { name: 'classification', fields: '"text", "label"' },
  text: { name: 'plain text', fields: '"text"' },
  pretokenized: { name: 'pre-tokenized', fields: '"input_ids", "labels" (optional)' },
} as const satisfies Record<string, { name: string; fields: string }>;

export type Format = keyof typeof FORMATS;
export const FORMAT_NAMES = Object.keys(FORMATS) as Format[];

/** Field names the formats read; a column mapping renames the file's columns to these. */
export const KNOWN_FIELDS = ['messages', 'conversations', 'system', 'instruction', 'input', 'output', 'prompt', 'completion', 'text', 'label', 'input_ids', 'labels'] as const;
export type KnownField = (typeof KNOWN_FIELDS)[number];

/** Our field name -> the file's column (or key) that holds it, e.g. {prompt: "question"}. */
export type ColumnMapping = Partial<Record<KnownField, string>>;

export type Role = 'system' | 'user' | 'assistant';

export interface Turn {
  role: Role;
  content: string;
  /** Whether the loss covers this turn: assistant turns, unless the row says otherwise (OpenAI's "weight": 0). */
  learn: boolean;
}

/** What every row becomes before tokenisation. */
export type CanonicalRow =
  | { kind: 'conversation'; turns: Turn[] }
  | { kind: 'text'; text: string }
  | { kind: 'tokens'; inputIds: number[]; labels: number[] };
