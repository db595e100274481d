/**
 * A tokenizer whose counts can be done by hand: one token per character (code + 10), and "<e>",
 * the end-of-turn token, as id 1. Conversations render as "<user>q<e><assistant>a<e>".
 */
import { ChatTemplate } from '../../../../src/main/engine/models/chat-template';
import type { DataTokenizer } from '../../../../src/main/data/data-tokenizer';

export const END = '<e>';

export function charTokenizer(): DataTokenizer {
  return {
    encode: (text) => text.split(END).flatMap((piece, i) => [...(i > 0 ? [1] : []), ...Array.from(piece, (c) => c.charCodeAt(0) + 10)]),
    bosTokenId: null,
    eosTokenId: 1,
    vocabSize: 70_000,
    template: new ChatTemplate("{% for m in messages %}<{{ m.role }}>{{ m.content }}<e>{% endfor %}{% if add_generation_prompt %}<assistant>{% endif %}", 'char template', {}),
    templateKind: 'model',
    endOfTurn: [END],
  };
}
