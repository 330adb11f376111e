import { hash } from 'node:crypto';
import type { ResourceType } from '../model/finding';

/** The profile findings stored before profiles had their own lifecycles belong to (and keep their fingerprints). */
export const DEFAULT_PROFILE = 'scg';

/**
 * Stable across runs and machines: same rule on the same resource under the same profile is the same finding.
 * Each profile has its own findings (issue 15 item 7); the default profile's fingerprints are those from before.
 */
export function fingerprint(
  ruleId: string,
  resourceType: ResourceType,
  resourceId: string,
  profile: string = DEFAULT_PROFILE,
): string {
  return fingerprintAfter(fingerprintPrefix(ruleId, resourceType, profile), resourceId);
}

/** What a fingerprint hashes before the resource's id: built once for the many resources of one rule. */
export function fingerprintPrefix(
  ruleId: string,
  resourceType: ResourceType,
  profile: string = DEFAULT_PROFILE,
): string {
  const key = `${ruleId}|${resourceType}|`;
  return profile === DEFAULT_PROFILE ? key : `${profile}|${key}`;
}

/** `fingerprint` of the resource `resourceId`, given `fingerprintPrefix` of the rest. */
export function fingerprintAfter(prefix: string, resourceId: string): string {
  // The one-shot hash: an audit fingerprints every hit (750,000 at 100,000 VMs), and it costs a quarter of a Hash
  // object. Its digest as `binary` (Node's name for Latin-1: one code per byte): only the 16 bytes kept become hex.
  return hexOfFirstHalf(hash('sha256', prefix + resourceId, 'binary'));
}

const HALF = 16;
const codes: number[] = new Array<number>(2 * HALF).fill(0);
const HEX = '0123456789abcdef';
/** Each byte's two lower-case hex digits' character codes, the high digit first. */
const DIGITS = new Uint8Array(512);
for (let b = 0; b < 256; b++) {
  DIGITS[2 * b] = HEX.charCodeAt(b >> 4);
  DIGITS[2 * b + 1] = HEX.charCodeAt(b & 15);
}

/**
 * The first 16 bytes of a digest given as Latin-1 text, as 32 lower-case hex digits in a string of their own (not a
 * view of a longer text, which would live as long as the fingerprint: a finding's life, 750,000 of them at 100,000
 * VMs). Against the 64-digit hex text cut to 32 (the form before): half the digits made, a table read per byte
 * (bench/fingerprint-hex.ts).
 */
function hexOfFirstHalf(digest: string): string {
  for (let i = 0; i < HALF; i++) {
    const c = digest.charCodeAt(i);
    codes[2 * i] = DIGITS[2 * c]!;
    codes[2 * i + 1] = DIGITS[2 * c + 1]!;
  }
  return String.fromCharCode.apply(null, codes);
}

/** The profile a stored finding belongs to. */
export function profileOf(f: { profile?: string }): string {
  return f.profile ?? DEFAULT_PROFILE;
}
