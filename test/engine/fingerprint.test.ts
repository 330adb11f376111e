import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fingerprint, fingerprintAfter, fingerprintPrefix } from '../../src/engine/fingerprint';

// Stored findings are matched by fingerprint from one run to the next, so the function may get faster but never
// give other values: these were computed with `createHash('sha256').update(key).digest('hex').slice(0, 32)`.
describe('Function: fingerprint', () => {
  it('keeps the values stored findings carry, for the default profile, another profile and non-ASCII ids', () => {
    expect(fingerprint('esxi.shell-timeout', 'host', 'esx-01.example.com')).toBe('268ef463f01fc0f2466d93a4873f1939');
    expect(fingerprint('vm.copy-disable', 'vm', 'vm-42', 'stig')).toBe('15de806a9d85406f3eb7e80e3d9be6d9');
    expect(fingerprint('vm.x', 'vm', 'vm-ü')).toBe('72ec71f118c443118935eaf6ab7c19f6');
  });

  it('is the first half of the SHA-256 hex of the key, for any ids, profiles and prefixes built once', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.constantFrom('host', 'vm', 'cluster', 'perimeter' as const),
        fc.string({ unit: 'binary' }),
        fc.constantFrom('scg', 'stig', 'x|y'),
        (ruleId, type, id, profile) => {
          const key = `${profile === 'scg' ? '' : `${profile}|`}${ruleId}|${type}|${id}`;
          const expected = createHash('sha256').update(key).digest('hex').slice(0, 32);
          expect(fingerprint(ruleId, type, id, profile)).toBe(expected);
          expect(fingerprintAfter(fingerprintPrefix(ruleId, type, profile), id)).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  // The digest is read as Latin-1 and only its first 16 bytes made hex: every byte value and every kind of text must
  // give the digits the 64-digit hex text starts with (lone surrogates become U+FFFD in UTF-8 either way).
  it('gives the first half of the 64-digit hex text for lone surrogates, long ids and every digest byte', () => {
    const old = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 32);
    fc.assert(
      fc.property(
        fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 300 }),
        (id) => {
          expect(fingerprintAfter('r|vm|', id)).toBe(old(`r|vm|${id}`));
        },
      ),
      { numRuns: 1000 },
    );
    const seen = new Set<string>();
    for (let i = 0; seen.size < 256 && i < 100_000; i++) {
      const fp = fingerprintAfter('r|host|', `h-${i}`);
      expect(fp).toBe(old(`r|host|h-${i}`));
      for (let k = 0; k < 32; k += 2) seen.add(fp.slice(k, k + 2));
    }
    expect(seen.size).toBe(256);
  });
});
