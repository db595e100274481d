/**
 * Renders a conversation through a chat template and finds the characters of each learned
 * assistant turn. Templates are programs, so the spans are found by rendering, not by guessing
 * the template's syntax: a turn starts where the conversation before it, rendered with the
 * generation prompt, ends; it ends just after the first end-of-turn token from there (or, for a
 * template with no end token, where the conversation through this turn ends). The span thus
 * holds exactly what the model generates when asked: the answer (with whatever the template puts
 * first, such as Qwen3's empty <think></think>) and its end-of-turn token, not the newline after.
 */
import type { ChatMessage } from '../engine/models/chat-template';
import type { ConversationTemplate } from './data-tokenizer';
import type { Turn } from './formats';
import { RowProblem } from './issues';

export interface RenderedConversation {
  text: string;
  /** [start, end) character ranges of the learned turns, in order. */
  spans: [number, number][];
  /** Some learned turn has no end-of-turn token after it (the template writes none). */
  openEnded: boolean;
}

function render(template: ConversationTemplate, messages: readonly ChatMessage[], addGenerationPrompt: boolean): string {
  try {
    return template.render(messages, { addGenerationPrompt });
  } catch (error) {
    throw new RowProblem('template', null, (error as Error).message);
  }
}

/** End of the first end-of-turn token at or after `from`, or null. */
function endOfTurnAfter(text: string, from: number, endOfTurn: readonly string[]): number | null {
  let best: number | null = null;
  for (const token of endOfTurn) {
    const at = text.indexOf(token, from);
    if (at !== -1 && (best === null || at + token.length < best)) best = at + token.length;
  }
  return best;
}

function trimEnd(text: string, start: number, end: number): number {
  while (end > start && /\s/.test(text[end - 1]!)) end -= 1;
  return end;
}

export function renderConversation(template: ConversationTemplate, turns: readonly Turn[], endOfTurn: readonly string[]): RenderedConversation {
  const messages: ChatMessage[] = turns.map(({ role, content }) => ({ role, content }));
  const text = render(template, messages, false);
  const spans: [number, number][] = [];
  let openEnded = false;
  turns.forEach((turn, i) => {
    if (!turn.learn) return;
    const before = render(template, messages.slice(0, i), true);
    if (!text.startsWith(before)) {
      throw new RowProblem('template', null, `the chat template renders the turns before message ${i + 1} differently once the conversation goes on, so the assistant's tokens cannot be told apart`);
    }
    const start = before.length;
    const through = render(template, messages.slice(0, i + 1), false);
    const bound = text.startsWith(through) ? through.length : null;
    const end = endOfTurnAfter(text, start, endOfTurn);
    if (end !== null && (bound === null || end <= bound)) spans.push([start, end]);
    else if (bound !== null) {
      spans.push([start, trimEnd(text, start, bound)]);
      openEnded = true;
    } else {
      throw new RowProblem('template', null, `cannot find where the assistant's message ${i + 1} ends: the chat template writes none of the end tokens (${endOfTurn.join(', ')}) after it`);
    }
  });
  return { text, spans, openEnded };
}
