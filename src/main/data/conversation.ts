/**
 * Conversations from chat-style rows: OpenAI "messages" ({role, content}, optional "weight") and
 * ShareGPT "conversations" ({from, value}), mapped to turns and checked the same way.
 */
import { describeValue, type FieldReader } from './fields';
import type { Role, Turn } from './formats';
import { RowProblem, type Problem } from './issues';

/** ShareGPT speakers and OpenAI roles, as our three roles. Tool turns are not trainable yet. */
const ROLES: Readonly<Record<string, Role>> = {
  system: 'system',
  developer: 'system', // OpenAI's newer name for the system role
  user: 'user',
  human: 'user',
  assistant: 'assistant',
  gpt: 'assistant',
  model: 'assistant',
  bot: 'assistant',
};

function roleOf(value: unknown, field: string): Role {
  if (typeof value !== 'string') throw new RowProblem('wrong-type', field, `expected a role ("system", "user" or "assistant"), found ${describeValue(value)}`);
  const role = ROLES[value.toLowerCase()];
  if (!role) {
    const tool = ['tool', 'function', 'function_call', 'observation', 'ipython'].includes(value.toLowerCase());
    throw new RowProblem('unknown-role', field, `"${value}" is not a role we can train on${tool ? ' (tool turns are not supported)' : ''}; expected system, user or assistant (ShareGPT: system, human, gpt)`);
  }
  return role;
}

/** Message content: a string, or OpenAI's list of parts of which only text parts are allowed. */
function contentOf(value: unknown, field: string, role: Role): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    return value
      .map((part, i) => {
        if (typeof part === 'object' && part !== null && (part as Record<string, unknown>).type === 'text' && typeof (part as Record<string, unknown>).text === 'string') {
          return (part as Record<string, string>).text;
        }
        throw new RowProblem('wrong-type', `${field}[${i}]`, `only text parts ({"type": "text", "text": ...}) can be trained on, found ${describeValue(part)}`);
      })
      .join('\n');
  }
  if (value === undefined || value === null) {
    throw new RowProblem('missing-field', field, role === 'assistant' ? 'missing; expected the assistant\'s text (tool calls without text are not supported)' : 'missing; expected a string');
  }
  throw new RowProblem('wrong-type', field, `expected a string, found ${describeValue(value)}`);
}

function asObject(item: unknown, field: string, expected: string): Record<string, unknown> {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new RowProblem('wrong-type', field, `expected ${expected}, found ${describeValue(item)}`);
  return item as Record<string, unknown>;
}

/** OpenAI chat: "messages": [{role, content, weight?}]. */
export function chatTurns(row: FieldReader): { turns: Turn[]; name: string } {
  const expected = 'a list of {"role", "content"}';
  const name = row.name('messages');
  const turns = row.list('messages', expected).map((item, i): Turn => {
    const message = asObject(item, `${name}[${i}]`, '{"role", "content"}');
    const role = roleOf(message.role, `${name}[${i}].role`);
    const weight = message.weight;
    if (weight !== undefined && weight !== 0 && weight !== 1) throw new RowProblem('wrong-type', `${name}[${i}].weight`, `expected 0 or 1, found ${describeValue(weight)}`);
    return { role, content: contentOf(message.content, `${name}[${i}].content`, role), learn: role === 'assistant' && weight !== 0 };
  });
  return { turns, name };
}

/** ShareGPT: "conversations": [{from, value}], plus an optional "system". */
export function shareGptTurns(row: FieldReader): { turns: Turn[]; name: string } {
  const field = row.has('conversations') ? 'conversations' : 'messages';
  const name = row.name(field);
  const turns = row.list(field, 'a list of {"from", "value"}').map((item, i): Turn => {
    const message = asObject(item, `${name}[${i}]`, '{"from", "value"}');
    const role = roleOf(message.from, `${name}[${i}].from`);
    return { role, content: contentOf(message.value, `${name}[${i}].value`, role), learn: role === 'assistant' };
  });
  const system = row.optionalString('system', 'the system prompt');
  return { turns: system ? [{ role: 'system', content: system, learn: false }, ...turns] : turns, name };
}

/**
 * The checks every conversation passes: something to learn, the user speaking first, no empty
 * answer. Turns after the last assistant turn teach nothing, so they are dropped with a warning.
 */
export function checkedTurns(turns: Turn[], name: string, warn: (problem: Problem) => void): Turn[] {
  if (turns.length === 0) throw new RowProblem('empty', name, 'the conversation has no messages');
  let last = turns.length - 1;
  while (last >= 0 && turns[last]!.role !== 'assistant') last -= 1;
  if (last < 0) throw new RowProblem('no-assistant', name, 'the conversation has no assistant turn, so there is nothing to learn');
  if (last < turns.length - 1) {
    const dropped = turns.length - 1 - last;
    warn({
      code: 'trailing-turn',
      field: `${name}[${last + 1}]`,
      message: `the conversation ends with ${dropped === 1 ? `a ${turns[last + 1]!.role} turn` : `${dropped} turns`} after the last assistant answer; nothing follows to learn from, so ${dropped === 1 ? 'it is' : 'they are'} left out`,
    });
  }
  const kept = turns.slice(0, last + 1);
  const firstSpeaker = kept.findIndex((turn) => turn.role !== 'system');
  if (kept[firstSpeaker]!.role === 'assistant') {
    throw new RowProblem('turn-order', `${name}[${firstSpeaker}]`, `message ${firstSpeaker + 1} is the assistant's, with no user message before it (chat templates expect the user to speak first)`);
  }
  kept.forEach((turn, i) => {
    if (turn.learn && turn.content.trim() === '') throw new RowProblem('empty', `${name}[${i}]`, `the assistant's message ${i + 1} is empty: there is nothing to learn in it`);
  });
  if (!kept.some((turn) => turn.learn)) throw new RowProblem('no-assistant', name, 'every assistant turn has "weight": 0, so there is nothing to learn');
  return kept;
}
