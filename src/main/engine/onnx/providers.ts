/**
 * Which onnxruntime execution providers actually load on this machine.
 *
 * Listing the backends onnxruntime-node was built with is not enough: the CUDA
 * provider ships separately (downloaded at install time) and needs CUDA 12 and
 * cuDNN 9 on the machine. The only reliable test is to create a session with it.
 */
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';

export type ExecutionProvider = 'cuda' | 'cpu';

export interface ProviderReport {
  /** Providers that created a session here, best first. */
  available: ExecutionProvider[];
  /** One plain sentence per provider that did not load, saying why. */
  notes: string[];
}

/** A one-node model (Identity on a float32 [1] tensor), enough to make a provider initialise. */
function identityModelBytes(): Uint8Array {
  const tensorType = (name: string): onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimValue: 1 }] } } },
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'hyperadapt-provider-probe',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'probe',
      node: [{ opType: 'Identity', input: ['x'], output: ['y'], name: 'identity' }],
      input: [tensorType('x')],
      output: [tensorType('y')],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

async function tryProvider(provider: ExecutionProvider, model: Uint8Array): Promise<string | null> {
  try {
    // logSeverityLevel 4 (fatal only): a provider that fails to load is an expected answer here, not an error to print.
    const session = await ort.InferenceSession.create(model, { executionProviders: [provider], logSeverityLevel: 4 });
    await session.release();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** First line of an onnxruntime error, without the long native stack it often carries. */
function firstLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? message;
}

function explainCudaFailure(message: string): string {
  if (/failed to load/i.test(message)) {
    return 'the CUDA provider libraries did not load (they are fetched by `npm run setup` on Linux x64 with an NVIDIA GPU, and need CUDA 12 and cuDNN 9).';
  }
  return `the provider did not load (${firstLine(message)}).`;
}

let cached: Promise<ProviderReport> | undefined;

/** Probes once per process; provider libraries cannot appear while we run. */
export function probeExecutionProviders(): Promise<ProviderReport> {
  cached ??= probe();
  return cached;
}

/**
 * The native logger prints a multi-line error for every provider that fails to load, on every
 * start of a CPU-only machine. Failures reach us as exceptions, which we report in words, so the
 * native log is kept to fatal. It takes effect when onnxruntime first initialises: call it first.
 */
export function quietNativeLogging(): void {
  ort.env.logLevel = 'fatal';
}

async function probe(): Promise<ProviderReport> {
  quietNativeLogging();
  const model = identityModelBytes();
  const available: ExecutionProvider[] = [];
  const notes: string[] = [];
  const built = new Set(ort.listSupportedBackends().map((backend) => backend.name));

  if (!built.has('cuda')) {
    notes.push(`CUDA: this onnxruntime-node build for ${process.platform}/${process.arch} has no CUDA provider.`);
  } else {
    const cudaError = await tryProvider('cuda', model);
    if (cudaError === null) available.push('cuda');
    else notes.push(`CUDA: ${explainCudaFailure(cudaError)} Training and generation use the CPU.`);
  }

  const cpuError = await tryProvider('cpu', model);
  if (cpuError === null) available.push('cpu');
  else notes.push(`CPU: provider did not load (${firstLine(cpuError)}).`);

  return { available, notes };
}
