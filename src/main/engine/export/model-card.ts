/**
 * README.md for an exported adapter: what it was trained on and from, how, how well, and how to
 * apply it (with this app, or by hand in any framework: the merge is three multiplications).
 */
import { basename } from 'node:path';
import type { AdapterConfig } from '../adapters/adapter-files';

export function renderModelCard(config: AdapterConfig, name: string): string {
  const base = config.base_model;
  const training = config.training;
  const data = typeof training.data === 'string' ? basename(training.data) : 'not recorded';
  const validation = typeof training.validationData === 'string' ? basename(training.validationData) : null;
  return [
    `# ${name}`,
    '',
    `A HyperAdapt adapter: for each adapted linear layer with frozen weight W [out, in], two float32 vectors a [out] and b [in] so that the layer computes with W' = diag(a) · W · diag(b), i.e. W'[i, j] = a[i] · W[i, j] · b[j]. ${formatCount(config.trainable_parameters)} trainable parameters.`,
    '',
    '## Base model',
    '',
    `- Architecture: ${base.architecture}`,
    `- Trained from: ${base.path}`,
    `- config.json sha256: \`${base.config_sha256}\``,
    ...base.weight_files.map((f) => `- ${f.file} (${f.bytes} bytes) sha256: \`${f.sha256}\``),
    '',
    'The adapter only fits this exact base model: the hashes above must match.',
    '',
    '## Data',
    '',
    `- Training data: ${data}`,
    ...(validation ? [`- Validation data: ${validation}`] : []),
    '',
    '## Training configuration',
    '',
    `- Target modules: ${config.target_modules.join(', ')}`,
    ...Object.entries(training)
      .filter(([key]) => !HIDDEN_TRAINING_KEYS.has(key))
      .map(([key, value]) => `- ${key}: ${formatValue(value)}`),
    '',
    '## Metrics',
    '',
    ...(Object.keys(config.metrics).length === 0 ? ['- none recorded'] : Object.entries(config.metrics).map(([key, value]) => `- ${key}: ${value === null ? 'n/a' : value}`)),
    '',
    '## How to apply',
    '',
    'With HyperAdapt Studio: `hyperadapt generate --model BASE_DIR --adapter ADAPTER_DIR`, or merge it into a new model with `hyperadapt export --adapter ADAPTER_DIR --format safetensors --out MERGED_DIR`.',
    '',
    "By hand: `adapter_model.safetensors` holds `<module>.hyperadapt_a` [out] and `<module>.hyperadapt_b` [in] for each adapted module (e.g. `model.layers.0.self_attn.q_proj`). Scale each module's weight once and use the model as usual, e.g. with PyTorch and safetensors:",
    '',
    '```python',
    'from safetensors.torch import load_file',
    'adapter = load_file("adapter_model.safetensors")',
    'state = model.state_dict()',
    'for name, a in adapter.items():',
    '    if name.endswith(".hyperadapt_a"):',
    '        module = name[: -len(".hyperadapt_a")]',
    '        b = adapter[module + ".hyperadapt_b"]',
    '        w = state[module + ".weight"]',
    '        state[module + ".weight"].copy_((a[:, None] * w.float() * b[None, :]).to(w.dtype))',
    '```',
    '',
    `Created ${config.created_at}.`,
    '',
  ].join('\n');
}

/** Paths already shown above, or that only describe the training machine. */
const HIDDEN_TRAINING_KEYS = new Set(['data', 'validationData', 'model', 'out']);

function formatValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
