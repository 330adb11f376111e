import { describe, expect, it } from 'vitest';
import { compareIds, compareTimes } from '../../src/model/event-order';

/** The run-by-run definition written with regular expressions, as compareIds was before it walked ids in place. */
function referenceCompareIds(a: string, b: string): number {
  if (a === b) return 0;
  const runs = /\d+|\D+/g;
  const ra = a.match(runs) ?? [];
  const rb = b.match(runs) ?? [];
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) {
    const x = ra[i]!;
    const y = rb[i]!;
    if (x === y) continue;
    if (/^\d/.test(x) && /^\d/.test(y)) {
      const xv = x.replace(/^0+(?=\d)/, '');
      const yv = y.replace(/^0+(?=\d)/, '');
      if (xv.length !== yv.length) return xv.length < yv.length ? -1 : 1;
      if (xv !== yv) return xv < yv ? -1 : 1;
      if (x.length !== y.length) return x.length < y.length ? -1 : 1;
    } else return x < y ? -1 : 1;
  }
  if (ra.length !== rb.length) return ra.length < rb.length ? -1 : 1;
  return a < b ? -1 : 1;
}

/** Deterministic ids mixing digit runs (with leading zeros), separators, letters and non-ASCII text. */
function ids(count: number): string[] {
  const alphabet = ['0', '00', '1', '9', '01', '10', '099', '100', ':', '-', 'a', 'b', 'Z', 'é', '😀', ''];
  let x = 12345;
  const next = () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    // The high bits: an LCG's low bits cycle with a short period.
    return x >>> 16;
  };
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let id = '';
    const parts = 1 + (next() % 6);
    for (let p = 0; p < parts; p++) id += alphabet[next() % alphabet.length];
    out.push(id);
  }
  return out;
}

describe('compareIds walking ids in place', () => {
  it('gives the sign the regular-expression definition gives for every pair of a mixed id sample', () => {
    const sample = ids(400);
    const disagreements: string[] = [];
    for (const a of sample)
      for (const b of sample)
        if (Math.sign(compareIds(a, b)) !== referenceCompareIds(a, b)) disagreements.push(`${a} vs ${b}`);
    expect(disagreements).toEqual([]);
    expect(new Set(sample).size).toBeGreaterThan(300);
  });

  it('sorts event ids of the store’s shapes exactly as the definition does', () => {
    const sample = [
      'vcenter:src:99:99:x',
      'vcenter:src:100:100:x',
      'vcenter:src:0100:100:x',
      'growth-vm-9',
      'growth-vm-10',
      'growth-host-10',
      'growth-vm-010',
      'a',
      '',
    ];
    expect([...sample].sort(compareIds)).toEqual([...sample].sort(referenceCompareIds));
  });
});

describe('compareTimes on identical text', () => {
  it('calls one parsable time equal to itself and keeps ordering an unparsable one first', () => {
    expect(compareTimes('2026-11-01T08:00:00.123456Z', '2026-11-01T08:00:00.123456Z')).toBe(0);
    expect(compareTimes('not a time', 'not a time')).toBe(-1);
  });
});
