import { describe, expect, it } from 'vitest';
import { boundedMemo } from '../../src/model/bounded-memo';

describe('boundedMemo', () => {
  it('computes a repeated text once and hands back the same value', () => {
    let calls = 0;
    const lower = boundedMemo(4, (text) => {
      calls++;
      return { text: text.toLowerCase() };
    });
    const first = lower('TRUE');
    expect(lower('TRUE')).toBe(first);
    expect(first).toEqual({ text: 'true' });
    expect(calls).toBe(1);
  });

  it('keeps at most its bound of texts: past it the memory starts over, so distinct input cannot grow it', () => {
    const seen: string[] = [];
    const memo = boundedMemo(3, (text) => {
      seen.push(text);
      return text.length;
    });
    for (const t of ['a', 'bb', 'ccc', 'dddd']) memo(t);
    // 'a' was forgotten when the fourth text arrived; 'dddd' is held.
    memo('dddd');
    memo('a');
    expect(seen).toEqual(['a', 'bb', 'ccc', 'dddd', 'a']);
  });
});
