/**
 * An Ollama Modelfile for the exported GGUF. Ollama's TEMPLATE is a Go template, not Jinja, so
 * the chat template is translated for the two families our architectures ship with: ChatML
 * (Qwen, and the tiny models) and Llama 3's header format. Another template cannot be translated
 * faithfully; the Modelfile then passes prompts as written and says so. Stop lines name every
 * token that ends generation.
 */
import type { HfModel } from '../../models/hf-model';
import { stopTokens } from './model-metadata';

export const MODELFILE = 'Modelfile';

const CHATML = [
  '{{- if .System }}<|im_start|>system',
  '{{ .System }}<|im_end|>',
  '{{ end }}',
  '{{- if .Messages }}',
  '{{- range .Messages }}{{ if ne .Role "system" }}<|im_start|>{{ .Role }}',
  '{{ .Content }}<|im_end|>',
  '{{ end }}{{ end }}<|im_start|>assistant',
  '{{ else }}',
  '{{- if .Prompt }}<|im_start|>user',
  '{{ .Prompt }}<|im_end|>',
  '{{ end }}<|im_start|>assistant',
  '{{ end }}{{ .Response }}',
].join('\n');

const LLAMA3 = [
  '{{- if .System }}<|start_header_id|>system<|end_header_id|>',
  '',
  '{{ .System }}<|eot_id|>{{ end }}',
  '{{- if .Messages }}',
  '{{- range .Messages }}{{ if ne .Role "system" }}<|start_header_id|>{{ .Role }}<|end_header_id|>',
  '',
  '{{ .Content }}<|eot_id|>{{ end }}{{ end }}<|start_header_id|>assistant<|end_header_id|>',
  '',
  '{{ else }}',
  '{{- if .Prompt }}<|start_header_id|>user<|end_header_id|>',
  '',
  '{{ .Prompt }}<|eot_id|>{{ end }}<|start_header_id|>assistant<|end_header_id|>',
  '',
  '{{ end }}{{ .Response }}',
].join('\n');

/** The Go template for the model's chat template, or null when it is not a family we translate. */
export function ollamaTemplate(chatTemplate: string | null): string | null {
  if (chatTemplate === null) return null;
  if (chatTemplate.includes('<|im_start|>')) return CHATML;
  if (chatTemplate.includes('<|start_header_id|>')) return LLAMA3;
  return null;
}

export function renderModelfile(model: Pick<HfModel, 'tokenizer' | 'eosTokenIds' | 'chatTemplate'>, ggufFile: string): string {
  const template = ollamaTemplate(model.chatTemplate?.source ?? null);
  const { eos, eot } = stopTokens(model);
  const ids = [...new Set([...(eos === null ? [] : [eos]), ...(eot === null ? [] : [eot]), ...model.eosTokenIds])];
  const stops = ids.map((id) => model.tokenizer.idToToken(id)).filter((t): t is string => t !== undefined);
  const lines = [`FROM ./${ggufFile}`, ''];
  if (template) {
    lines.push(`TEMPLATE """${template}"""`);
  } else {
    lines.push(
      model.chatTemplate ? '# The model\'s chat template is not ChatML or Llama 3, which are all this export translates to Ollama\'s' : '# The model has no chat template (a base model?):',
      '# Go templates; prompts are passed to the model exactly as written.',
      'TEMPLATE """{{ .Prompt }}"""',
    );
  }
  lines.push('', ...stops.map((s) => `PARAMETER stop ${JSON.stringify(s)}`), '');
  return lines.join('\n');
}
