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
});
