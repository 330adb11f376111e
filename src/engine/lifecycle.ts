import type { Finding, ResourceType } from '../model/finding';
import { fingerprint } from './fingerprint';
import type { RuleHit } from './types';
import type { WaiverMatcher } from './waivers';

export interface LifecycleInput {
  /** Stored findings from earlier runs. */
  previous: readonly Finding[];
  /** What fired in this run. */
  hits: readonly RuleHit[];
  /** Rule ids loaded for this run: findings of other rules are left as they are. */
  ruleIds: ReadonlySet<string>;
  /** Whether a resource was evaluated in this run (everything, for a full audit). */
  evaluated: (resourceType: ResourceType, resourceId: string) => boolean;
  waivers: WaiverMatcher;
  now: string;
}

export interface LifecycleOutput {
  /** Every finding of the loaded rules after this run, resolved ones included, sorted by fingerprint. */
  findings: Finding[];
  /** The subset that differs from what was stored: what to persist. */
  changed: Finding[];
}

function applyWaiver(f: Finding, waivers: WaiverMatcher, now: string): Finding {
  if (f.status === 'resolved') return f;
  const w = waivers.match(f.ruleId, f.resourceType, f.resourceId, now);
  const { waiver: _old, ...rest } = f;
  if (!w) return { ...rest, status: 'open' };
  return { ...rest, status: 'waived', waiver: { reason: w.reason, owner: w.owner, expires: w.expires } };
}

/**
 * Pure lifecycle step. New hit → open (firstSeen = now); hit again → lastSeen = now; a resolved finding
 * that fires again → open again, keeping its original firstSeen; an evaluated resource whose finding no
 * longer fires → resolved (resolvedAt = now). Waivers apply to every unresolved finding, evaluated or not,
 * so an expired waiver reopens a finding even when its resource did not change. Waived findings stay.
 */
export function computeLifecycle(input: LifecycleInput): LifecycleOutput {
  const { now, waivers } = input;
  const previous = new Map(input.previous.map((f) => [f.fingerprint, f]));
  const next = new Map<string, Finding>();
  for (const hit of input.hits) {
    const fp = fingerprint(hit.rule.id, hit.resourceType, hit.resourceId);
    const prev = previous.get(fp);
    const r = hit.rule;
    const finding: Finding = {
      fingerprint: fp,
      ruleId: r.id,
      pack: r.pack,
      severity: r.severity,
      category: r.category,
      resourceType: hit.resourceType,
      resourceId: hit.resourceId,
      ...(hit.resourceName !== undefined && { resourceName: hit.resourceName }),
      title: r.title,
      evidence: hit.evidence as Record<string, unknown>,
      controls: r.controls,
      rationale: r.rationale,
      remediation: r.remediation,
      status: 'open',
      firstSeen: prev?.firstSeen ?? now,
      lastSeen: now,
    };
    next.set(fp, applyWaiver(finding, waivers, now));
  }
  for (const prev of input.previous) {
    if (next.has(prev.fingerprint) || !input.ruleIds.has(prev.ruleId)) continue;
    if (prev.status !== 'resolved' && input.evaluated(prev.resourceType, prev.resourceId)) {
      const { waiver: _w, ...rest } = prev;
      next.set(prev.fingerprint, { ...rest, status: 'resolved', resolvedAt: now });
    } else {
      next.set(prev.fingerprint, applyWaiver(prev, waivers, now));
    }
  }
  const findings = [...next.values()].sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1));
  const changed = findings.filter((f) => {
    const prev = previous.get(f.fingerprint);
    return prev === undefined || JSON.stringify(prev) !== JSON.stringify(f);
  });
  return { findings, changed };
}
