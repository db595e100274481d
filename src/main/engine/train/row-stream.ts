/**
 * The order in which training rows are visited: epoch by epoch, each epoch a seeded
 * permutation (or file order with shuffle off), wrapping around when more steps are asked
 * for than one pass holds. Its position ({epoch, index}) is all a checkpoint must store:
 * each epoch's permutation is rebuilt from (seed, epoch).
 */
import { Random } from '../random';

export interface StreamPosition {
  epoch: number;
  /** Next row within this epoch's order. */
  index: number;
}

export class RowStream {
  private order: number[];
  private position: StreamPosition;

  constructor(
    private readonly rowCount: number,
    private readonly shuffle: boolean,
    private readonly seed: number,
    start: StreamPosition = { epoch: 0, index: 0 },
  ) {
    if (rowCount <= 0) throw new Error('There are no training rows to stream.');
    this.position = { ...start };
    this.order = this.orderFor(start.epoch);
  }

  private orderFor(epoch: number): number[] {
    const rows = Array.from({ length: this.rowCount }, (_, i) => i);
    // A fresh generator per epoch, derived from the seed, so any epoch can be rebuilt alone.
    return this.shuffle ? new Random((this.seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0).shuffle(rows) : rows;
  }

  get current(): StreamPosition {
    return { ...this.position };
  }

  /** Fractional epochs consumed so far. */
  get epochProgress(): number {
    return this.position.epoch + this.position.index / this.rowCount;
  }

  /** The next `count` row indices, crossing into the next epoch when needed. */
  take(count: number): number[] {
    const rows: number[] = [];
    while (rows.length < count) {
      if (this.position.index >= this.rowCount) {
        this.position = { epoch: this.position.epoch + 1, index: 0 };
        this.order = this.orderFor(this.position.epoch);
      }
      rows.push(this.order[this.position.index]!);
      this.position.index += 1;
    }
    return rows;
  }
}
