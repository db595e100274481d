/**
 * The graph builder: symbolic tensors, nodes named by module path, initializers (embedded or external),
 * and the tape that autodiff walks. Op functions live in ops/; they all go through `Graph.emit`.
 */
import { type Dim, type Shape, numel, shapeStr } from './dims';
import { DTYPE_BYTES, type DType, ONNX_DTYPE, type TypedArray, toTypedArray, typedArrayMatches } from './element-types';
import { GraphError } from './errors';

export interface Tensor {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: Shape;
  /** Contents of a small integer tensor when known at build time (an int64 constant, Shape's output). */
  readonly known?: readonly Dim[];
}

/** ONNX AttributeProto values, tagged because JS numbers cannot tell INT from FLOAT. */
export type Attr =
  | { readonly i: number }
  | { readonly f: number }
  | { readonly s: string }
  | { readonly ints: readonly number[] }
  | { readonly t: { readonly dtype: DType; readonly values: readonly number[] } };

export type Attrs = Readonly<Record<string, Attr>>;

/** One step of the forward as autodiff sees it: an ONNX node, or a composite that has its own rule. */
export interface TapeEntry {
  readonly op: string;
  readonly name: string;
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  readonly attrs: Attrs;
  /** Forward tensors a composite's rule reads, by name (as llm.c's layernorm saves mean and rstd). */
  readonly saved?: Readonly<Record<string, Tensor>>;
}

export interface Node extends TapeEntry {
  readonly domain: string;
}

/** Bytes of an initializer inside a file next to the .onnx (see notes/onnxruntime-node.md). */
export interface ExternalData {
  /** Relative to the .onnx file's directory; onnxruntime refuses absolute paths and `..`. */
  readonly location: string;
  readonly offset: number;
  /** Byte size; must equal numel * bytes of the stored dtype exactly. */
  readonly length: number;
}

export interface Initializer {
  readonly tensor: Tensor;
  readonly data?: TypedArray;
  readonly external?: ExternalData;
}

/** A weight as stored (`stored` dtype), optionally cast in-graph to the compute `dtype`. */
export type InitializerSpec = {
  readonly shape: readonly number[];
  readonly stored: DType;
  readonly dtype?: DType;
} & ({ readonly data: TypedArray; readonly external?: never } | { readonly external: ExternalData; readonly data?: never });

export interface OutputSpec {
  readonly dtype: DType;
  readonly shape: Shape;
  readonly known?: readonly Dim[];
  readonly name?: string;
}

export class Graph {
  readonly nodes: Node[] = [];
  readonly tape: TapeEntry[] = [];
  readonly inputs: Tensor[] = [];
  readonly outputs: Tensor[] = [];
  readonly initializers: Initializer[] = [];
  #path = '';
  #recording = true;
  readonly #tensorNames = new Set<string>();
  readonly #nodeNames = new Set<string>();
  readonly #counts = new Map<string, number>();
  readonly #own = new WeakSet<Tensor>();

  constructor(readonly name = 'main') {}

  /** Name the nodes built in `fn` under a module path, nested with '.': `model.layers.0.self_attn/MatMul_3`. */
  scope<T>(name: string, fn: () => T): T {
    return this.atPath(this.#path ? `${this.#path}.${name}` : name, fn);
  }

  /** Build `fn` under an absolute path (the backward names its nodes after the forward node). */
  atPath<T>(path: string, fn: () => T): T {
    const outer = this.#path;
    this.#path = path;
    try {
      return fn();
    } finally {
      this.#path = outer;
    }
  }

  input(name: string, dtype: DType, shape: Shape): Tensor {
    const t = this.#tensor({ name, dtype, shape });
    this.inputs.push(t);
    return t;
  }

  /** Make `t` a graph output, under `name` through an Identity when the names differ. */
  output(t: Tensor, name: string = t.name): Tensor {
    if (this.outputs.some((o) => o.name === name)) throw new GraphError(`duplicate graph output '${name}'`);
    const out = name === t.name ? t : this.emit('Identity', [t], [{ dtype: t.dtype, shape: t.shape, name }])[0]!;
    this.outputs.push(out);
    return out;
  }

  /** A small embedded constant; integer constants keep their values for shape inference. */
  constant(dtype: DType, shape: readonly number[], values: readonly number[]): Tensor {
    if (values.length !== numel(shape)) {
      throw new GraphError(`constant of shape ${shapeStr(shape)} needs ${numel(shape)} values, got ${values.length}`);
    }
    const integer = dtype === 'int64' || dtype === 'int32';
    const name = this.#unique(this.#qualified('Constant'), this.#tensorNames);
    const tensor = this.#tensor({ name, dtype, shape, ...(integer ? { known: values } : {}) });
    this.initializers.push({ tensor, data: toTypedArray(dtype, values) });
    return tensor;
  }

  /** A named weight, embedded or external; cast in-graph when the compute dtype differs from the stored one. */
  initializer(name: string, spec: InitializerSpec): Tensor {
    const { shape, stored } = spec;
    if (!shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new GraphError(`initializer '${name}': shape ${shapeStr(shape)} must be non-negative integers`);
    }
    if (spec.data) checkEmbedded(name, spec.data, stored, shape);
    else checkExternal(name, spec.external, numel(shape) * DTYPE_BYTES[stored]);
    const tensor = this.#tensor({ name, dtype: stored, shape });
    this.initializers.push(spec.data ? { tensor, data: spec.data } : { tensor, external: spec.external });
    const dtype = spec.dtype ?? stored;
    if (dtype === stored) return tensor;
    return this.atPath(name, () => this.emit('Cast', [tensor], [{ dtype, shape }], { to: { i: ONNX_DTYPE[dtype] } })[0]!);
  }

  /** Emit one node and record it on the tape. Op functions in ops/ are the only intended callers. */
  emit(op: string, inputs: readonly Tensor[], outputs: readonly OutputSpec[], attrs: Attrs = {}, domain = ''): Tensor[] {
    this.#checkOwn(op, inputs);
    const name = this.#unique(this.#qualified(op), this.#nodeNames);
    this.#nodeNames.add(name);
    const outs = outputs.map((o, i) =>
      this.#tensor({ ...o, name: o.name ?? (outputs.length === 1 ? `${name}:0` : `${name}:${i}`) }),
    );
    const node: Node = { op, domain, name, inputs: [...inputs], outputs: outs, attrs };
    this.nodes.push(node);
    if (this.#recording) this.tape.push(node);
    return outs;
  }

  /**
   * A composite op: `body` emits ordinary nodes, but the tape gets one entry whose gradient is the rule
   * registered under `op` (e.g. cross-entropy's softmax - onehot), not the chain rule through `body`.
   */
  composite(
    op: string,
    inputs: readonly Tensor[],
    body: () => { outputs: Tensor[]; saved: Record<string, Tensor> },
  ): Tensor[] {
    this.#checkOwn(op, inputs);
    const name = this.#unique(this.#qualified(op), this.#nodeNames);
    this.#nodeNames.add(name);
    const recording = this.#recording;
    this.#recording = false;
    let built: { outputs: Tensor[]; saved: Record<string, Tensor> };
    try {
      built = this.atPath(name, body);
    } finally {
      this.#recording = recording;
    }
    if (recording) this.tape.push({ op, name, inputs, outputs: built.outputs, attrs: {}, saved: built.saved });
    return built.outputs;
  }

  #checkOwn(op: string, inputs: readonly Tensor[]): void {
    for (const t of inputs) {
      if (!this.#own.has(t)) throw new GraphError(`${op}: tensor '${t.name}' belongs to another graph`);
    }
  }

  #qualified(base: string): string {
    return this.#path ? `${this.#path}/${base}` : base;
  }

  /** `base`, or `base_1`, `base_2`, ... whichever is free in `taken` (the caller then takes it). */
  #unique(base: string, taken: Set<string>): string {
    let n = this.#counts.get(base) ?? 0;
    let name = n === 0 ? base : `${base}_${n}`;
    while (taken.has(name)) name = `${base}_${++n}`;
    this.#counts.set(base, n + 1);
    return name;
  }

  #tensor(t: Tensor): Tensor {
    if (this.#tensorNames.has(t.name)) throw new GraphError(`duplicate tensor name '${t.name}'`);
    for (const d of t.shape) {
      if (typeof d === 'number' ? !(Number.isInteger(d) && d >= 0) : d === '') {
        throw new GraphError(`tensor '${t.name}': bad shape ${shapeStr(t.shape)}`);
      }
    }
    this.#tensorNames.add(t.name);
    const tensor: Tensor = { name: t.name, dtype: t.dtype, shape: [...t.shape], ...(t.known ? { known: t.known } : {}) };
    this.#own.add(tensor);
    return tensor;
  }
}

function checkEmbedded(name: string, data: TypedArray, stored: DType, shape: readonly number[]): void {
  if (!typedArrayMatches(stored, data)) {
    throw new GraphError(`initializer '${name}': ${data.constructor.name} cannot hold ${stored} data`);
  }
  if (data.length !== numel(shape)) {
    throw new GraphError(`initializer '${name}': shape ${shapeStr(shape)} needs ${numel(shape)} values, got ${data.length}`);
  }
}

function checkExternal(name: string, ext: ExternalData, bytes: number): void {
  const { location, offset, length } = ext;
  const parts = location.split(/[\\/]/);
  if (location === '' || /^([\\/]|[A-Za-z]:)/.test(location) || parts.includes('..')) {
    throw new GraphError(
      `initializer '${name}': external location '${location}' must be a relative path inside the model directory (no '..', not absolute)`,
    );
  }
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new GraphError(`initializer '${name}': external offset ${offset} must be a non-negative integer`);
  }
  if (length !== bytes) {
    throw new GraphError(`initializer '${name}': external length ${length} bytes, expected ${bytes} for its shape and dtype`);
  }
}

function attrOf(e: TapeEntry, key: string): Attr {
  const a = e.attrs[key];
  if (!a) throw new GraphError(`${e.name}: no attribute '${key}'`);
  return a;
}

export function intAttr(e: TapeEntry, key: string): number {
  const a = attrOf(e, key);
  if (!('i' in a)) throw new GraphError(`${e.name}: attribute '${key}' is not an int`);
  return a.i;
}

export function floatAttr(e: TapeEntry, key: string): number {
  const a = attrOf(e, key);
  if (!('f' in a)) throw new GraphError(`${e.name}: attribute '${key}' is not a float`);
  return a.f;
}

export function intsAttr(e: TapeEntry, key: string): readonly number[] {
  const a = attrOf(e, key);
  if (!('ints' in a)) throw new GraphError(`${e.name}: attribute '${key}' is not a list of ints`);
  return a.ints;
}

/** The known contents of a shape-like input (axes, starts, pads) as numbers. */
export function knownInts(t: Tensor, what: string): number[] {
  const known = t.known;
  if (!known || !known.every((v): v is number => typeof v === 'number')) {
    throw new GraphError(`${what} '${t.name}' must be a constant known when the graph is built`);
  }
  return [...known];
}
