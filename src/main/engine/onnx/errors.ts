/** Errors of the graph engine: each says what was expected, what was found, and where. */

/** A graph built wrongly: duplicate names, foreign tensors, bad initializer data. */
export class GraphError extends Error {
  override name = 'GraphError';
}

/** Shapes or dtypes an op cannot accept; `op` names the node being built. */
export class ShapeError extends GraphError {
  override name = 'ShapeError';
  constructor(
    readonly op: string,
    message: string,
  ) {
    super(`${op}: ${message}`);
  }
}

/** The backward pass cannot be built: no rule for an op, no path to the loss, a rule misbehaving. */
export class AutodiffError extends GraphError {
  override name = 'AutodiffError';
  constructor(
    readonly op: string,
    readonly node: string,
    message: string,
  ) {
    super(`${message} (op ${op}, node ${node})`);
  }
}
