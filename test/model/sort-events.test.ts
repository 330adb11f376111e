import { describe, expect, it } from 'vitest';
import { compareEvents, sortEvents } from '../../src/model/event';
import { mulberry32 } from '../../src/simulation/random';

/** Times that tie, differ below a millisecond, carry offsets, or do not parse at all; ids that tie as numbers. */
const TIMES = [
  '2026-11-01T08:00:00Z',
  '2026-11-01T08:00:00.000Z',
  '2026-11-01T10:00:00+02:00',
  '2026-11-01T08:00:00.123100Z',
  '2026-11-01T08:00:00.1239Z',
  '2026-11-01T08:00:00.123Z',
  '2026-11-01T07:59:59.999999Z',
  'not a time',
  '',
];
const IDS = [
  'k:99:',
  'k:100:',
  'k:0100:',
  'a',
  'a',
  'b-2',
  'b-10',
  '',
  'vm-9',
  'vm-10',
  'vm-010',
  'vm-0',
  'vm-00',
  'vm-',
  'vm-1a',
  'vm1-2',
  'vm-123456789012345',
  'vm-1234567890123456',
  'vm-1234567890123457',
  'host-5',
  'vm-5',
  '5',
  '0',
  'ü-3',
  // Prefixes that are prefixes of one another, and ones beyond the BMP (UTF-16 order, as `<` has it).
  'a1',
  'ab1',
  'a-1',
  '\uFF5E-1',
  '\u{1F600}-1',
  '\u{1F600}-01',
];

describe('sortEvents', () => {
  it('orders events exactly as sorting with compareEvents does, ties and unparsable times included', () => {
    const rand = mulberry32(7);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    for (let round = 0; round < 500; round++) {
      const events = Array.from({ length: 1 + Math.floor(rand() * 40) }, (_, n) => ({
        time: pick(TIMES),
        id: pick(IDS),
        n,
      }));
      const expected = [...events].sort(compareEvents).map((e) => e.n);
      expect(sortEvents([...events]).map((e) => e.n)).toEqual(expected);
    }
  });
});
