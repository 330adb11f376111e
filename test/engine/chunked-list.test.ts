import { describe, expect, it } from 'vitest';
import { ChunkedList } from '../../src/engine/chunked-list';

describe('Class: ChunkedList', () => {
  it('gives back every element in push order, across chunk boundaries, as one array of exactly its length', () => {
    // The first chunk holds 64, the next ones 8,192 each: every boundary and its neighbours.
    for (const n of [0, 1, 63, 64, 65, 8191, 8192, 8193, 8255, 8256, 8257, 16_448, 16_449, 20_000]) {
      const list = new ChunkedList<number>();
      for (let i = 0; i < n; i++) list.push(i * 3);
      expect(list.length).toBe(n);
      const out = list.toArray();
      expect(out.length).toBe(n);
      expect(out).toEqual(Array.from({ length: n }, (_, i) => i * 3));
    }
  });

  it('counts its elements as they come, across the first chunk and the full ones', () => {
    const list = new ChunkedList<string>();
    for (let i = 0; i < 17_000; i++) {
      list.push(`id-${i}`);
      expect(list.length).toBe(i + 1);
    }
    expect(list.toArray()[16_999]).toBe('id-16999');
  });
});
