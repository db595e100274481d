/**
 * The chat template: a Jinja program that renders a conversation as the model was trained to see
 * it, run with @huggingface/jinja. Found where transformers looks: chat_template.jinja, then
 * chat_template.json, then the chat_template field of tokenizer_config.json (a string, or a list
 * of named templates of which "default" is used).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Template } from '@huggingface/jinja';
import { ModelConfigError, ModelFileError } from './errors';
import { describeJson, isJsonObject, type JsonObject, readJsonObject } from './json-file';
import { TOKENIZER_CONFIG_FILE, type ModelTokenizer } from './tokenizer';

export interface ChatMessage {
  readonly role: string;
  readonly content: string;
}

export interface RenderOptions {
  /** Append the opening of an assistant turn, so generation continues as the assistant. */
  addGenerationPrompt?: boolean;
  /** Further template variables (tools, enable_thinking, ...). */
  variables?: Record<string, unknown>;
}

export class ChatTemplate {
  readonly #template: Template;

  constructor(
    readonly source: string,
    /** The file it came from, for error messages. */
    readonly file: string,
    /** bos_token, eos_token, pad_token, unk_token as strings, as transformers passes them. */
    readonly specialTokens: Readonly<Record<string, string>>,
  ) {
    try {
      this.#template = new Template(source);
    } catch (error) {
      throw new ModelFileError(file, `the chat template does not parse: ${(error as Error).message}`);
    }
  }

  render(messages: readonly ChatMessage[], { addGenerationPrompt = false, variables = {} }: RenderOptions = {}): string {
    try {
      return this.#template.render({
        ...this.specialTokens,
        ...variables,
        messages: messages.map((m) => ({ ...m })),
        add_generation_prompt: addGenerationPrompt,
      });
    } catch (error) {
      throw new ModelFileError(this.file, `the chat template failed to render: ${(error as Error).message}`);
    }
  }
}

/** The model's chat template, or null when it has none (a base model). */
export async function loadChatTemplate(dir: string, tokenizer: ModelTokenizer): Promise<ChatTemplate | null> {
  const tokens: Record<string, string> = {};
  for (const [role, token] of Object.entries(tokenizer.roles)) if (token) tokens[role] = token.content;

  const jinjaFile = join(dir, 'chat_template.jinja');
  const jinja = await readFile(jinjaFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw new ModelFileError(jinjaFile, `cannot read the chat template: ${error.message}`);
  });
  if (jinja !== null) return new ChatTemplate(jinja, jinjaFile, tokens);

  const jsonFile = join(dir, 'chat_template.json');
  const json = await readJsonObject(jsonFile, 'chat template', true);
  if (json) {
    const source = templateField(jsonFile, json);
    if (source === null) throw new ModelConfigError(jsonFile, 'chat_template', 'a template string', 'nothing');
    return new ChatTemplate(source, jsonFile, tokens);
  }

  const source = templateField(join(dir, TOKENIZER_CONFIG_FILE), tokenizer.config);
  return source === null ? null : new ChatTemplate(source, join(dir, TOKENIZER_CONFIG_FILE), tokens);
}

function templateField(file: string, json: JsonObject): string | null {
  const value = json.chat_template;
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const named = value.find((t) => isJsonObject(t) && t.name === 'default');
    if (named && typeof named.template === 'string') return named.template;
  }
  throw new ModelConfigError(file, 'chat_template', 'a template string, or a list of {name, template} with a "default" entry', describeJson(value));
}
