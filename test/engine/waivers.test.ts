import { describe, expect, it } from 'vitest';
import { globToRegExp } from '../../src/engine/glob';
import { parseWaiverText, waiverEnd, waiverMatcher, WaiverFileError } from '../../src/engine/waivers';

describe('waiver files', () => {
  it('accepts the documented format', () => {
    const text = JSON.stringify({
      waivers: [{ resource: 'vm-db-*', resourceType: 'vm', rule: 'vm.isolation-*', reason: 'legacy console tooling', owner: 'dba@example.net', expires: '2026-12-31' }],
    });
    expect(parseWaiverText(text, 'waivers.json')).toHaveLength(1);
  });

  it('refuses a waiver without expiry or with a misspelled field, naming the file and JSON path', () => {
    const text = JSON.stringify({ waivers: [{ resource: 'a', rule: 'b', reason: 'c', owner: 'd', expires: '2026-12-31' }, { resource: 'a', rule: 'b', reason: 'c', ownr: 'd' }] });
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
    expect(new Date(waiverEnd({ expires: '2026-12-31T10:00:00+02:00' })).toISOString()).toBe('2026-12-31T08:00:00.000Z');
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

describe('globToRegExp', () => {
  it('treats regex metacharacters literally', () => {
    expect(globToRegExp('vm.(a)+[b]').test('vm.(a)+[b]')).toBe(true);
    expect(globToRegExp('vm.a').test('vmXa')).toBe(false);
    expect(globToRegExp('*').test('anything/at all')).toBe(true);
  });
});
