/**
 * Exact duplicates among rows, found by hashing each row's canonical content (the same turns,
 * text or tokens, whatever the file's extra fields). Memory is one map entry per distinct row:
 * a 48-bit key, plus 32 more bits per row that tell a real duplicate from a key collision (about
 * one false match in 2^80 pairs, so none in practice).
 */
import { createHash } from 'node:crypto';
import { IntList } from './int-list';

export class DuplicateIndex {
  readonly #first = new Map<number, number>();
  readonly #check = new IntList();

  static digest(content: string): { key: number; check: number } {
    const digest = createHash('sha1').update(content).digest();
    return { key: digest.readUIntBE(0, 6), check: digest.readInt32BE(6) };
  }

  /** Records row `index` (rows are added in order 0, 1, 2, ...); returns the index of an earlier identical row, or -1. */
  add(content: string, index: number): number {
    if (index !== this.#check.length) throw new RangeError(`rows must be added in order: expected ${this.#check.length}, got ${index}`);
    const { key, check } = DuplicateIndex.digest(content);
    this.#check.push(check);
    const first = this.#first.get(key);
    if (first === undefined) {
      this.#first.set(key, index);
      return -1;
    }
    return this.#check.get(first) === check ? first : -1;
  }

  /** The first indexed row identical to `content`, or -1; indexes nothing. */
  find(content: string): number {
    const { key, check } = DuplicateIndex.digest(content);
    const first = this.#first.get(key);
    return first !== undefined && this.#check.get(first) === check ? first : -1;
  }
}
