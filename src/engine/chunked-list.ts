/** Elements per chunk: a chunk (64 KiB) stays an ordinary heap object, below V8's large-object size (128 KiB). */
const CHUNK = 8192;

/**
 * A list filled one by one whose length is not known ahead, made into one array of exactly its length at the end
 * (`toArray`). An array grown by `push` past 16,384 elements is copied into a new, half-again larger array at each
 * growth, each one fresh memory of V8's large-object space: the 750,000 hits of a 100,000-VM audit and its
 * 730,000 unverified coverage ids were about 19,000 first-touched pages (≈ 0.2 s of CPU on a VM) in those copies.
 * Here each element is written twice: into a chunk, reused by the collector once the list is made, and into the one
 * array of the final size.
 */
export class ChunkedList<T> {
  private readonly full: T[][] = [];
  private chunk: T[] = [];

  push(value: T): void {
    if (this.chunk.length === CHUNK) {
      this.full.push(this.chunk);
      this.chunk = [];
    }
    this.chunk.push(value);
  }

  get length(): number {
    return this.full.length * CHUNK + this.chunk.length;
  }

  /**
   * The elements in the order pushed. Small lists (one chunk) are that chunk itself. `concat` of the chunks allocates
   * the result once, at its length, and keeps it a packed array (one of `new Array(n)` filled in would be holey, the
   * slower kind for every later loop over it).
   */
  toArray(): T[] {
    const [first, ...rest] = this.full;
    return first === undefined ? this.chunk : first.concat(...rest, this.chunk);
  }
}
