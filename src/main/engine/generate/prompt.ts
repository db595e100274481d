/**
 * A prompt as token ids: plain text as the tokenizer encodes it (with the special tokens its
 * post-processor adds, as transformers' text-generation pipeline does), or a conversation
 * rendered by the model's chat template with the assistant's turn opened and encoded without
 * adding special tokens (transformers' apply_chat_template: the template writes them itself).
 */
import type { ChatMessage } from '../models/chat-template';
import type { HfModel } from '../models/hf-model';

export type Prompt = { readonly text: string } | { readonly messages: readonly ChatMessage[] };

export function encodePrompt(model: Pick<HfModel, 'dir' | 'tokenizer' | 'chatTemplate'>, prompt: Prompt): number[] {
  if ('text' in prompt) return model.tokenizer.encode(prompt.text);
  if (!model.chatTemplate) throw new Error(`${model.dir} has no chat template (a base model?): give the prompt as plain text instead of a conversation`);
  const rendered = model.chatTemplate.render(prompt.messages, { addGenerationPrompt: true });
  return model.tokenizer.encode(rendered, { addSpecialTokens: false });
}

/** Generated ids as display text: special tokens (turn markers, EOS) are not shown. */
export function detokenizer(model: Pick<HfModel, 'tokenizer'>): (ids: readonly number[]) => string {
  return (ids) => model.tokenizer.decode(ids, { skipSpecialTokens: true });
}
