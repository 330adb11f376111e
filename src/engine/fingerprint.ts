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
  const key = `${ruleId}|${resourceType}|${resourceId}`;
  // The one-shot hash: an audit fingerprints every hit (750,000 at 100,000 VMs), and it costs a quarter of a Hash object.
  return hash('sha256', profile === DEFAULT_PROFILE ? key : `${profile}|${key}`, 'hex').slice(0, 32);
}

/** The profile a stored finding belongs to. */
export function profileOf(f: { profile?: string }): string {
  return f.profile ?? DEFAULT_PROFILE;
}
