/** Elements per chunk: a chunk (64 KiB) stays an ordinary heap object, below V8's large-object size (128 KiB). */
const CHUNK = 8192;
/**
 * The first chunk's size: small, so the code that starts a new chunk has run within the first hundred pushes. `push`
 * is inlined into the audit's evaluation, optimised while its first resources are evaluated: a path that has never
 * run there has no type feedback, and the optimised evaluation was thrown away (deoptimised) and compiled again when
 * the first chunk filled, at 8,192 elements, and again at the second.
 */
const FIRST_CHUNK = 64;

/**
 * A list filled one by one whose length is not known ahead, made into one array of exactly its length at the end
 * (`toArray`). An array grown by `push` past 16,384 elements is copied into a new, half-again larger array at each
 * growth, each one fresh memory of V8's large-object space: the 750,000 hits of a 100,000-VM audit and its
 * 730,000 unverified coverage ids were about 19,000 first-touched pages (≈ 0.2 s of CPU on a VM) in those copies.
 * Here each element is written twice: into a chunk, reused by the collector once the list is made, and into the one
 * array of the final size.
 */
export class ChunkedList<T> {
  /**
   * Every chunk, the one being filled last: an array of arrays from its start. An empty `[]` here is an array of small
   * integers until its first push, and lists with and without a filled chunk then had arrays of two kinds, which the
   * optimised evaluation met as a "wrong map" and was compiled again.
   */
  private readonly chunks: T[][];
  private chunk: T[] = [];
  /** Elements in the chunks before the last. */
  private spilled = 0;
  private limit = FIRST_CHUNK;

  constructor() {
    this.chunks = [this.chunk];
  }

  push(value: T): void {
    if (this.chunk.length === this.limit) {
      this.spilled += this.limit;
      this.limit = CHUNK;
      this.chunk = [];
      this.chunks.push(this.chunk);
    }
    this.chunk.push(value);
  }

  get length(): number {
    return this.spilled + this.chunk.length;
  }

  /**
   * The elements in the order pushed. Small lists (one chunk) are that chunk itself. `concat` of the chunks allocates
   * the result once, at its length, and keeps it a packed array (one of `new Array(n)` filled in would be holey, the
   * slower kind for every later loop over it).
   */
  toArray(): T[] {
    if (this.chunks.length === 1) return this.chunk;
    const [first, ...rest] = this.chunks;
    return first!.concat(...rest);
  }
}
