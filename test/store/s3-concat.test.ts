import { describe, expect, it } from 'vitest';
import { planParts } from '../../src/store/s3-concat';

const src = (key: string, size: number) => ({ key, size });

describe('planParts (findings.csv from the shards rows, by S3 multipart upload)', () => {
  it('makes every part but the last at least the minimum, copying a large source that starts a part', () => {
    const parts = planParts('head\n', [src('a', 3), src('b', 4), src('big', 20), src('c', 2), src('d', 1)], 10);
    expect(parts).toEqual([
      { head: 'head\n', sources: [src('a', 3), src('b', 4)], bytes: 12 },
      { copy: src('big', 20) },
      { sources: [src('c', 2), src('d', 1)], bytes: 3 },
    ]);
  });

  it('sends a large source with the small ones before it when they are under the minimum', () => {
    const parts = planParts('h', [src('a', 2), src('big', 20)], 10);
    expect(parts).toEqual([{ head: 'h', sources: [src('a', 2), src('big', 20)], bytes: 23 }]);
  });

  it('writes the head alone when there is no source', () => {
    expect(planParts('h', [], 10)).toEqual([{ head: 'h', sources: [], bytes: 1 }]);
  });
});
