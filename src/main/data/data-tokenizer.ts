/**
 * What the data layer needs from a model to turn rows into tokens: its tokenizer, the template
 * conversations are rendered with (its own chat template, or the plain one), and the tokens that
 * end an assistant turn.
 */
import type { ChatMessage, RenderOptions } from '../engine/models/chat-template';
import type { HfModel } from '../engine/models/hf-model';
import { plainTemplate } from './plain-template';

export interface ConversationTemplate {
  render(messages: readonly ChatMessage[], options?: RenderOptions): string;
}

export interface DataTokenizer {
  /** Token ids of `text`, adding no special tokens (those written in the text are still recognised). */
  encode(text: string): number[];
  /** Text of token ids, special tokens included; only previews need it. */
  decode?: (ids: number[]) => string;
  /** Put before plain text and plain-template rows when the tokenizer config asks for it (add_bos_token); null otherwise. */
  bosTokenId: number | null;
  /** Ends plain text rows, and is learned, so the model learns to stop. */
  eosTokenId: number;
  vocabSize: number;
  template: ConversationTemplate;
  /** 'model': the model's own chat template; 'plain': the documented fallback for models without one. */
  templateKind: 'model' | 'plain';
  /** Token strings that close an assistant turn (the model's end-of-sequence tokens, e.g. "<|im_end|>"). */
  endOfTurn: readonly string[];
}

/** The parts of a loaded model the data layer uses (an HfModel has them all). */
export type TokenizerSource = Pick<HfModel, 'dir' | 'tokenizer' | 'chatTemplate' | 'eosTokenIds'> & { config: Pick<HfModel['config'], 'vocabSize'> };

export function dataTokenizer(model: TokenizerSource): DataTokenizer {
  const { tokenizer } = model;
  // The tokenizer's own end token first, as TRL appends eos_token to completions.
  const eos = tokenizer.eosTokenId ?? model.eosTokenIds[0];
  if (eos === undefined || eos === null) throw new Error(`${model.dir}: the model names no end-of-sequence token, so answers cannot learn to stop`);
  const endOfTurn = [...new Set([eos, ...model.eosTokenIds])].map((id) => tokenizer.idToToken(id)).filter((token): token is string => token !== undefined);
  const eosToken = tokenizer.idToToken(eos);
  if (eosToken === undefined) throw new Error(`${model.dir}: the end-of-sequence id ${eos} is not in the tokenizer's vocabulary`);
  return {
    encode: (text) => tokenizer.encode(text, { addSpecialTokens: false }),
    decode: (ids) => tokenizer.decode(ids),
    bosTokenId: tokenizer.config['add_bos_token'] === true ? tokenizer.bosTokenId : null,
    eosTokenId: eos,
    vocabSize: model.config.vocabSize,
    template: model.chatTemplate ?? plainTemplate(eosToken),
    templateKind: model.chatTemplate ? 'model' : 'plain',
    endOfTurn,
  };
}
