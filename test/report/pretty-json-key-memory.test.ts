import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { prettyJson } from '../../src/report/formats/pretty-json';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

describe('Function: prettyJson (memory)', () => {
  it('keeps nothing of hostile long keys once they are printed (the key texts it remembers are bounded in bytes)', () => {
    // Evidence keys come from reported data: 500 distinct keys of 32 K characters each are 16 MB, and their texts
    // as many again, which a cache bounded only in entries would keep for the life of the process (a warm Lambda).
    const before = heapAfterGc();
    for (let i = 0; i < 500; i++) {
      const value = { [`${'k'.repeat(32 * 1024)}${i}`]: i };
      expect(prettyJson(value, 0)?.length).toBeGreaterThan(32 * 1024);
    }
    expect(heapAfterGc() - before).toBeLessThan(8 * 1024 * 1024);
  });
});
