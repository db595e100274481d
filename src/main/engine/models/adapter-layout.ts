/**
 * The flat HyperAdapt parameter vector (DESIGN.md section 2: ONE float32 vector in, ONE gradient
 * vector out). For each target linear, layer by layer and in LINEAR_MODULES order within a layer,
 * a [out] then b [in] lie back to back:
 *
 *   [ layers.0.q_proj.a | layers.0.q_proj.b | layers.0.k_proj.a | ... | layers.L-1.down_proj.b ]
 *
 * The graph slices it per linear; the optimizer sees only the vector; saving names each slice
 * `<module path>.hyperadapt_a` / `.hyperadapt_b`.
 */
import { type LinearModule, linearsOf, type ModelSpec } from './spec';
import { HYPERADAPT_TARGET_MODULES, parseTargetModules } from './targets';

export interface AdapterSlot {
  /** HF module path, e.g. "model.layers.0.self_attn.q_proj". */
  readonly path: string;
  readonly module: LinearModule;
  readonly layer: number;
  /** a: [out] at aOffset; b: [in] at bOffset = aOffset + out. */
  readonly out: number;
  readonly in: number;
  readonly aOffset: number;
  readonly bOffset: number;
}

export interface AdapterLayout {
  readonly targets: readonly LinearModule[];
  readonly slots: readonly AdapterSlot[];
  /** Length of the vector: Σ (out + in). */
  readonly size: number;
}

export function adapterLayout(spec: ModelSpec, targets: readonly LinearModule[] = HYPERADAPT_TARGET_MODULES): AdapterLayout {
  const chosen = parseTargetModules(targets);
  let offset = 0;
  const slots = linearsOf(spec, chosen).map((l) => {
    const slot = { path: l.path, module: l.module, layer: l.layer, out: l.out, in: l.in, aOffset: offset, bOffset: offset + l.out };
    offset += l.out + l.in;
    return slot;
  });
  return { targets: chosen, slots, size: offset };
}

/** a = b = 1 everywhere: the adapted model then computes exactly the base model. */
export function identityAdapterVector(layout: AdapterLayout): Float32Array {
  return new Float32Array(layout.size).fill(1);
}

export const adapterTensorName = (path: string, which: 'a' | 'b'): string => `${path}.hyperadapt_${which}`;

/** The vector as named tensors ([out] a and [in] b per slot), views into `vector`, in layout order. */
export function splitAdapterVector(layout: AdapterLayout, vector: Float32Array): { name: string; shape: [number]; data: Float32Array }[] {
  if (vector.length !== layout.size) throw new RangeError(`adapter vector: expected ${layout.size} values, got ${vector.length}`);
  return layout.slots.flatMap((s) => [
    { name: adapterTensorName(s.path, 'a'), shape: [s.out] as [number], data: vector.subarray(s.aOffset, s.aOffset + s.out) },
    { name: adapterTensorName(s.path, 'b'), shape: [s.in] as [number], data: vector.subarray(s.bOffset, s.bOffset + s.in) },
  ]);
}

/** The inverse of splitAdapterVector: named a/b tensors (e.g. read from a saved adapter) back into one vector. */
export function joinAdapterVector(layout: AdapterLayout, tensors: ReadonlyMap<string, ArrayLike<number>>): Float32Array {
  const vector = new Float32Array(layout.size);
  const problems: string[] = [];
  for (const s of layout.slots) {
    for (const [which, offset, length] of [['a', s.aOffset, s.out], ['b', s.bOffset, s.in]] as const) {
      const name = adapterTensorName(s.path, which);
      const values = tensors.get(name);
      if (!values) problems.push(`${name} is missing`);
      else if (values.length !== length) problems.push(`${name} has ${values.length} values, expected ${length}`);
      else vector.set(values, offset);
    }
  }
  if (problems.length > 0) throw new RangeError(`adapter tensors do not fit the layout: ${problems.slice(0, 8).join('; ')}${problems.length > 8 ? `; and ${problems.length - 8} more` : ''}`);
  return vector;
}
