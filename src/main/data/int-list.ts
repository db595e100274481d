/** A growable list of 32-bit integers: four bytes per row, where a number[] of a million rows costs several times that. */
export class IntList {
  #data = new Int32Array(1024);
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(value: number): void {
    if (this.#length === this.#data.length) {
      const grown = new Int32Array(this.#data.length * 2);
      grown.set(this.#data);
      this.#data = grown;
    }
    this.#data[this.#length++] = value;
  }

  get(index: number): number {
    if (index < 0 || index >= this.#length) throw new RangeError(`index ${index} is outside the list (length ${this.#length})`);
    return this.#data[index]!;
  }

  /** The values as a new typed array. */
  toArray(): Int32Array {
    return this.#data.slice(0, this.#length);
  }
}
