import { createHash } from 'node:crypto';
import type { ResourceType } from '../model/finding';

/** Stable across runs and machines: same rule on the same resource is the same finding. */
export function fingerprint(ruleId: string, resourceType: ResourceType, resourceId: string): string {
  return createHash('sha256').update(`${ruleId}|${resourceType}|${resourceId}`).digest('hex').slice(0, 32);
}
