/** A model's tokenizer as the data layer wants it. */
import type { PromptTokenizer } from '../../data/training-rows';
import type { HfModel } from '../models/hf-model';

/** The model's tokenizer as the data layer wants it (encoding without special tokens; BOS added by rule). */
export function promptTokenizer(model: HfModel): PromptTokenizer {
  // The tokenizer's own end token first, as TRL appends eos_token to completions.
  const eos = model.tokenizer.eosTokenId ?? model.eosTokenIds[0];
  if (eos === null || eos === undefined) throw new Error(`${model.dir}: the model names no end-of-sequence token, so completions cannot learn to stop`);
  const addsBos = model.tokenizer.config['add_bos_token'] === true;
  return {
    encode: (text) => model.tokenizer.encode(text, { addSpecialTokens: false }),
    bosTokenId: addsBos ? model.tokenizer.bosTokenId : null,
    eosTokenId: eos,
    vocabSize: model.config.vocabSize,
  };
}
