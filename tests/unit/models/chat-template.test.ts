/** Chat templates found where transformers looks for them, rendered with @huggingface/jinja. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadChatTemplate } from '../../../src/main/engine/models/chat-template';
import { ModelFileError } from '../../../src/main/engine/models/errors';
import { ModelTokenizer } from '../../../src/main/engine/models/tokenizer';
import { tinyModel } from './helpers/tiny';

const messages = [
  { role: 'user', content: 'Hello' },
  { role: 'assistant', content: 'Hi there.' },
];

async function editTokenizerConfig(dir: string, patch: Record<string, unknown>): Promise<void> {
  const path = join(dir, 'tokenizer_config.json');
  await writeFile(path, JSON.stringify({ ...(JSON.parse(await readFile(path, 'utf8')) as object), ...patch }));
}

describe('loadChatTemplate', () => {
  it('renders the tiny models’ ChatML, with and without a generation prompt', async () => {
    const dir = await tinyModel({ arch: 'llama', hidden: 32, vocab: 300 });
    const template = (await loadChatTemplate(dir, await ModelTokenizer.load(dir)))!;
    expect(template.file).toBe(join(dir, 'tokenizer_config.json'));
    expect(template.render(messages)).toBe('<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\nHi there.<|im_end|>\n');
    expect(template.render(messages.slice(0, 1), { addGenerationPrompt: true })).toBe('<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n');
  });

  it('prefers chat_template.jinja, passes the special tokens, and reads named template lists', async () => {
    const dir = await tinyModel({ arch: 'llama', hidden: 32, vocab: 300 });
    await writeFile(join(dir, 'chat_template.jinja'), '{% for m in messages %}[{{ m.role }}]{{ m.content }}{{ eos_token }}{% endfor %}');
    const tokenizer = await ModelTokenizer.load(dir);
    expect((await loadChatTemplate(dir, tokenizer))!.render(messages)).toBe('[user]Hello<|im_end|>[assistant]Hi there.<|im_end|>');

    const dir2 = await tinyModel({ arch: 'llama', hidden: 32, vocab: 300 });
    await editTokenizerConfig(dir2, { chat_template: [{ name: 'tool_use', template: 'tools' }, { name: 'default', template: '{{ messages[0].content }}' }] });
    const tokenizer2 = await ModelTokenizer.load(dir2);
    expect((await loadChatTemplate(dir2, tokenizer2))!.render(messages)).toBe('Hello');
  });

  it('returns null for a model without a template, and names the file of a broken one', async () => {
    const dir = await tinyModel({ arch: 'llama', hidden: 32, vocab: 300 });
    await editTokenizerConfig(dir, { chat_template: null });
    expect(await loadChatTemplate(dir, await ModelTokenizer.load(dir))).toBeNull();

    await editTokenizerConfig(dir, { chat_template: '{% for m in messages %}' });
    const error = await ModelTokenizer.load(dir).then((t) => loadChatTemplate(dir, t)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toContain(`${join(dir, 'tokenizer_config.json')}: the chat template does not parse`);
  });
});
