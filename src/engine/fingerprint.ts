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
  // The one-shot hash: an audit fingerprints every hit (750,000 at 100,000 VMs), and it costs a quarter of a Hash object.
  return firstHalf(hash('sha256', prefix + resourceId, 'hex'));
}

const HALF = 32;
const codes: number[] = new Array<number>(HALF).fill(0);

/**
 * The first 32 characters of a SHA-256's hex text as a string of their own. `slice` would give a view that keeps the
 * whole 64-character text alive as long as the fingerprint (a finding's life: 750,000 of them at 100,000 VMs), about
 * 64 bytes more per finding for the collector to copy; the characters copied into a new string keep 48 bytes.
 */
function firstHalf(hex: string): string {
  for (let i = 0; i < HALF; i++) codes[i] = hex.charCodeAt(i);
  return String.fromCharCode.apply(null, codes);
}

/** The profile a stored finding belongs to. */
export function profileOf(f: { profile?: string }): string {
  return f.profile ?? DEFAULT_PROFILE;
}
