/**
 * Turns a graph input into a constant: the input's tensor becomes an embedded initializer of the
 * same name, so the nodes reading it are untouched and callers no longer feed it. The exported
 * generation graph freezes its adapter vector to a = b = 1, the merged weights carrying the adapter.
 */
import type { Graph } from '../../onnx/graph';

export function freezeInput(g: Graph, name: string, data: Float32Array): void {
  const index = g.inputs.findIndex((t) => t.name === name);
  if (index < 0) throw new Error(`graph '${g.name}' has no input '${name}' to freeze`);
  const tensor = g.inputs[index]!;
  const size = tensor.shape.reduce<number>((n, d) => n * (typeof d === 'number' ? d : NaN), 1);
  if (tensor.dtype !== 'float32' || size !== data.length) {
    throw new Error(`input '${name}' is ${tensor.dtype} [${tensor.shape.join(', ')}]; cannot freeze it to ${data.length} float32 values`);
  }
  g.inputs.splice(index, 1);
  g.initializers.push({ tensor, data });
}
