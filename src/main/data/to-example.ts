/** A canonical row to token ids and labels: what the trainer consumes, with -100 where nothing is learned. */
import { IGNORE_INDEX, type TrainingExample } from '../engine/train/examples';
import { renderConversation } from './assistant-spans';
import type { DataTokenizer } from './data-tokenizer';
import { encodeWithSpans } from './encode-spans';
import type { CanonicalRow } from './formats';

export interface Tokenized {
  example: TrainingExample;
  /** A learned turn has no end-of-turn token (the template writes none), so the model will not learn to stop there. */
  openEnded: boolean;
}

/** Null when the row needs a tokenizer and there is none (a check without a model). */
export function toExample(row: CanonicalRow, tokenizer: DataTokenizer | null): Tokenized | null {
  if (row.kind === 'tokens') return { example: { inputIds: Int32Array.from(row.inputIds), labels: Int32Array.from(row.labels) }, openEnded: false };
  if (!tokenizer) return null;
  const bos = tokenizer.bosTokenId === null ? [] : [tokenizer.bosTokenId];
  if (row.kind === 'text') {
    // Continued pre-training: every token is learned, and the end token closes the document.
    const ids = concat(bos, tokenizer.encode(row.text), [tokenizer.eosTokenId]);
    return { example: { inputIds: ids, labels: ids.slice() }, openEnded: false };
  }
  const rendered = renderConversation(tokenizer.template, row.turns, tokenizer.endOfTurn);
  const { ids, inside } = encodeWithSpans(tokenizer.encode, rendered.text, rendered.spans);
  // A model's own template writes its BOS itself, as transformers' apply_chat_template expects; the plain one does not.
  const prefix = tokenizer.templateKind === 'plain' ? bos : [];
  const inputIds = concat(prefix, ids);
  const labels = new Int32Array(inputIds.length).fill(IGNORE_INDEX);
  for (let t = 0; t < ids.length; t++) if (inside[t]) labels[prefix.length + t] = ids[t]!;
  return { example: { inputIds, labels }, openEnded: rendered.openEnded };
}

/** Lists joined into one Int32Array, without spreading long lists into arguments or temporaries. */
function concat(...parts: readonly (readonly number[])[]): Int32Array {
  const out = new Int32Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
