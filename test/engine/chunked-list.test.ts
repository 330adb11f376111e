import { describe, expect, it } from 'vitest';
import { ChunkedList } from '../../src/engine/chunked-list';

describe('Class: ChunkedList', () => {
  it('gives back every element in push order, across chunk boundaries, as one array of exactly its length', () => {
    for (const n of [0, 1, 8191, 8192, 8193, 20_000]) {
      const list = new ChunkedList<number>();
      for (let i = 0; i < n; i++) list.push(i * 3);
      expect(list.length).toBe(n);
      const out = list.toArray();
      expect(out.length).toBe(n);
      expect(out).toEqual(Array.from({ length: n }, (_, i) => i * 3));
    }
  });
});
