/**
 * The model's tokenizer: tokenizer.json and tokenizer_config.json through @huggingface/tokenizers
 * (a pure-JS port of the Rust `tokenizers` crate), plus the special tokens the config names.
 */
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { ModelConfigError, ModelFileError } from './errors';
import { describeJson, isJsonObject, type JsonObject, readJsonObject } from './json-file';

export const TOKENIZER_FILE = 'tokenizer.json';
export const TOKENIZER_CONFIG_FILE = 'tokenizer_config.json';

export interface SpecialToken {
  readonly content: string;
  readonly id: number;
}

export interface EncodeOptions {
  /** Apply the post-processor (e.g. a BOS token some tokenizers prepend). Default true, as in transformers. */
  addSpecialTokens?: boolean;
}

export interface DecodeOptions {
  skipSpecialTokens?: boolean;
}

/** Roles of the special tokens tokenizer_config.json may name. */
const SPECIAL_ROLES = ['bos_token', 'eos_token', 'pad_token', 'unk_token'] as const;
export type SpecialRole = (typeof SPECIAL_ROLES)[number];

export class ModelTokenizer {
  readonly #tokenizer: Tokenizer;
  /** Tokens the config names per role (null where it names none). */
  readonly roles: Readonly<Record<SpecialRole, SpecialToken | null>>;
  /** Every added token marked special in tokenizer.json, in id order. */
  readonly specialTokens: readonly SpecialToken[];
  /** Number of ids the tokenizer can produce: the base vocabulary plus added tokens. */
  readonly size: number;

  private constructor(
    tokenizer: Tokenizer,
    readonly config: JsonObject,
    tokenizerJson: JsonObject,
    configFile: string,
  ) {
    this.#tokenizer = tokenizer;
    this.specialTokens = readSpecialTokens(tokenizerJson);
    // A loop, not Math.max(...ids): spreading 150k ids overflows the call stack.
    let size = 0;
    for (const id of tokenizer.get_vocab(true).values()) size = Math.max(size, id + 1);
    this.size = size;
    const roles = {} as Record<SpecialRole, SpecialToken | null>;
    for (const role of SPECIAL_ROLES) roles[role] = this.#resolveRole(role, configFile);
    this.roles = roles;
  }

  /** Loads `dir/tokenizer.json` and `dir/tokenizer_config.json` (the latter may be absent). */
  static async load(dir: string): Promise<ModelTokenizer> {
    const file = join(dir, TOKENIZER_FILE);
    const json = await readJsonObject(file, 'tokenizer (only "fast" tokenizer.json files are supported)');
    const configFile = join(dir, TOKENIZER_CONFIG_FILE);
    const config = (await readJsonObject(configFile, 'tokenizer config', true)) ?? {};
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer(json, config);
    } catch (error) {
      throw new ModelFileError(file, `cannot build the tokenizer: ${(error as Error).message}`);
    }
    return new ModelTokenizer(tokenizer, config, json, configFile);
  }

  get bosTokenId(): number | null {
    return this.roles.bos_token?.id ?? null;
  }

  get eosTokenId(): number | null {
    return this.roles.eos_token?.id ?? null;
  }

  get padTokenId(): number | null {
    return this.roles.pad_token?.id ?? null;
  }

  encode(text: string, { addSpecialTokens = true }: EncodeOptions = {}): number[] {
    return this.#tokenizer.encode(text, { add_special_tokens: addSpecialTokens }).ids;
  }

  decode(ids: readonly number[], { skipSpecialTokens = false }: DecodeOptions = {}): string {
    return this.#tokenizer.decode([...ids], { skip_special_tokens: skipSpecialTokens });
  }

  tokenToId(token: string): number | undefined {
    return this.#tokenizer.token_to_id(token);
  }

  idToToken(id: number): string | undefined {
    return this.#tokenizer.id_to_token(id);
  }

  /** The config's token for `role` ("<|im_end|>" or {content: "<|im_end|>"}), which must be in the vocabulary. */
  #resolveRole(role: SpecialRole, configFile: string): SpecialToken | null {
    const value = this.config[role];
    if (value === undefined || value === null) return null;
    const content = typeof value === 'string' ? value : isJsonObject(value) ? value.content : undefined;
    if (typeof content !== 'string') throw new ModelConfigError(configFile, role, 'a token string, {"content": ...}, or null', describeJson(value));
    const id = this.tokenToId(content);
    if (id === undefined) throw new ModelConfigError(configFile, role, 'a token of tokenizer.json', `"${content}", which it does not contain`);
    return { content, id };
  }
}

function readSpecialTokens(json: JsonObject): SpecialToken[] {
  const added = Array.isArray(json.added_tokens) ? json.added_tokens : [];
  return added
    .filter((t): t is { content: string; id: number; special: true } => isJsonObject(t) && t.special === true && typeof t.content === 'string' && Number.isInteger(t.id))
    .map(({ content, id }) => ({ content, id }))
    .sort((a, b) => a.id - b.id);
}
