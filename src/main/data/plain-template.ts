/**
 * The template for models without a chat template of their own (base models). Documented here
 * once, and used both for training and for trying the model, so the two agree:
 *
 *     <system prompt>\n\n                      (when there is one)
 *     User: <user message>\n\n
 *     Assistant: <assistant message><eos>\n\n
 *     ... more turns ...
 *     Assistant:                               (the generation prompt)
 *
 * The loss covers " <assistant message><eos>": the answer and the end-of-sequence token, so the
 * model learns to stop. When the tokenizer asks for a BOS token (add_bos_token), it comes first.
 */
import { ChatTemplate } from '../engine/models/chat-template';

export const PLAIN_TEMPLATE_SOURCE = [
  '{%- for message in messages -%}',
  "{%- if message.role == 'system' -%}{{- message.content + '\\n\\n' -}}",
  "{%- elif message.role == 'user' -%}{{- 'User: ' + message.content + '\\n\\n' -}}",
  "{%- elif message.role == 'assistant' -%}{{- 'Assistant: ' + message.content + eos_token + '\\n\\n' -}}",
  '{%- endif -%}',
  '{%- endfor -%}',
  "{%- if add_generation_prompt -%}{{- 'Assistant:' -}}{%- endif -%}",
].join('');

/** The plain template with the model's end-of-sequence token. */
export function plainTemplate(eosToken: string): ChatTemplate {
  return new ChatTemplate(PLAIN_TEMPLATE_SOURCE, 'the plain template (src/main/data/plain-template.ts)', { eos_token: eosToken });
}
