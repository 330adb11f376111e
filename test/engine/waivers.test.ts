import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileGlob, GlobError, MAX_GLOB_LENGTH } from '../../src/engine/glob';
import {
  parseStoredWaivers,
  parseWaiverText,
  waiverEnd,
  waiverMatcher,
  WaiverFileError,
} from '../../src/engine/waivers';

describe('waiver files', () => {
  it('accepts the documented format', () => {
    const text = JSON.stringify({
      waivers: [
        {
          resource: 'vm-db-*',
          resourceType: 'vm',
          rule: 'vm.isolation-*',
          reason: 'legacy console tooling',
          owner: 'dba@example.net',
          expires: '2026-12-31',
        },
      ],
    });
    expect(parseWaiverText(text, 'waivers.json')).toHaveLength(1);
  });

  it('refuses a waiver without expiry or with a misspelled field, naming the file and JSON path', () => {
    const text = JSON.stringify({
      waivers: [
        { resource: 'a', rule: 'b', reason: 'c', owner: 'd', expires: '2026-12-31' },
        { resource: 'a', rule: 'b', reason: 'c', ownr: 'd' },
      ],
    });
    expect(() => parseWaiverText(text, 'w.json')).toThrow(WaiverFileError);
    let message = '';
    try {
      parseWaiverText(text, 'w.json');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/w\.json: \/waivers\/1\/owner/);
    expect(message).toMatch(/w\.json: \/waivers\/1\/expires/);
    expect(message).toMatch(/w\.json: \/waivers\/1 .*ownr/);
  });

  it('refuses text that is not JSON with the file name', () => {
    expect(() => parseWaiverText('waivers:\n  - resource: a', 'w.yaml')).toThrow(/w\.yaml: not valid JSON/);
  });

  it('ends a date-only waiver at the end of that UTC day and a date-time waiver at that instant', () => {
    expect(new Date(waiverEnd({ expires: '2026-12-31' })).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(new Date(waiverEnd({ expires: '2026-12-31T10:00:00+02:00' })).toISOString()).toBe(
      '2026-12-31T08:00:00.000Z',
    );
  });

  it('matches the first unexpired waiver by rule glob, resource glob and type', () => {
    const m = waiverMatcher([
      { resource: 'host-*', rule: 'esxi.*', reason: 'old', owner: 'o', expires: '2026-01-01' },
      { resource: 'host-1?', rule: 'esxi.ssh-disabled', reason: 'current', owner: 'o', expires: '2027-01-01' },
    ]);
    expect(m.match('esxi.ssh-disabled', 'host', 'host-12', '2026-06-01T00:00:00Z')?.reason).toBe('current');
    expect(m.match('esxi.ssh-disabled', 'host', 'host-123', '2026-06-01T00:00:00Z')).toBeUndefined();
    expect(m.match('esxi.ssh-disabled', 'host', 'host-5', '2025-06-01T00:00:00Z')?.reason).toBe('old');
  });
});

describe('waiver policy', () => {
  const now = '2026-12-03T00:00:00Z';
  const waiver = (expires: string) =>
    JSON.stringify({ waivers: [{ resource: 'a', rule: 'b', reason: 'c', owner: 'd', expires }] });

  it('refuses a waiver expiring further ahead than the configured lifetime, naming file and field', () => {
    expect(() => parseWaiverText(waiver('9999-12-31'), 'w.json', { now, maxDays: 365 })).toThrow(
      /w\.json: \/waivers\/0\/expires 9999-12-31 is more than 365 days ahead/,
    );
    expect(parseWaiverText(waiver('2027-06-30'), 'w.json', { now, maxDays: 365 })).toHaveLength(1);
    expect(parseWaiverText(waiver('2030-06-30'), 'w.json', { now, maxDays: 3650 })).toHaveLength(1);
  });

  it('refuses patterns longer than the glob limit before they are stored', () => {
    const text = JSON.stringify({
      waivers: [{ resource: '*a'.repeat(MAX_GLOB_LENGTH), rule: 'b', reason: 'c', owner: 'd', expires: '2027-01-01' }],
    });
    expect(() => parseWaiverText(text, 'w.json')).toThrow(/w\.json: \/waivers\/0\/resource/);
  });

  it('refuses stored waivers that no longer pass the schema, naming the store key', () => {
    expect(() =>
      parseStoredWaivers(
        [{ resource: 'x'.repeat(MAX_GLOB_LENGTH + 1), rule: '*', reason: 'r', owner: 'o', expires: '2027-01-01' }],
        'audit/waivers',
      ),
    ).toThrow(/stored audit\/waivers: \/waivers\/0\/resource/);
  });
});

describe('compileGlob', () => {
  it('treats regex metacharacters literally', () => {
    expect(compileGlob('vm.(a)+[b]').test('vm.(a)+[b]')).toBe(true);
    expect(compileGlob('vm.a').test('vmXa')).toBe(false);
    expect(compileGlob('*').test('anything/at all')).toBe(true);
    expect(compileGlob('ab*ba').test('aba')).toBe(false);
    expect(compileGlob('a?c').test('aéc')).toBe(true);
  });

  it('matches a pathological pattern against a long id without backtracking (once hung every audit)', () => {
    // With a backtracking RegExp this pair never finished; the test times out if that comes back.
    const pattern = `${'*h'.repeat(40)}X`;
    expect(compileGlob(pattern).test('h'.repeat(20_000))).toBe(false);
    expect(compileGlob(pattern).test(`${'h'.repeat(20_000)}X`)).toBe(true);
  });

  it('refuses a pattern over the length limit', () => {
    expect(() => compileGlob('a'.repeat(MAX_GLOB_LENGTH + 1))).toThrow(GlobError);
  });

  it('agrees with a RegExp reference on small random patterns and ids', () => {
    const reference = (pattern: string) =>
      new RegExp(
        `^${[...pattern].map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&'))).join('')}$`,
        'su',
      );
    const chars = fc.constantFrom('a', 'b', '*', '?', '.');
    fc.assert(
      fc.property(
        fc.array(chars, { maxLength: 8 }),
        fc.array(fc.constantFrom('a', 'b', '.'), { maxLength: 10 }),
        (p, t) => {
          const pattern = p.join('');
          const text = t.join('');
          expect(compileGlob(pattern).test(text)).toBe(reference(pattern).test(text));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
