import { atOrAbove, type Finding, type Severity } from '../model/finding';
import { breachEvidenceLine } from './breach-evidence';

/** What `notify/last` remembers between runs. */
export interface NotifyState {
  /** When the run that wrote this state started: a run that started earlier must not overwrite it. */
  at: string;
  /** Fingerprints announced as new and not yet announced as resolved. */
  announced: string[];
  /**
   * How many digests with something to say were planned so far (absent in states written before it
   * existed: 0). It numbers the outbox ids, so a digest never shares an id with an earlier one.
   */
  seq?: number;
}

/** A finding as it appears in a digest: enough to name it, no evidence payloads. */
export interface DigestItem {
  fingerprint: string;
  ruleId: string;
  severity: Severity;
  title: string;
  resourceType: string;
  resourceId: string;
  resourceName?: string;
  /**
   * New items: open, or unverified when the digest includes those. Closed items: resolved, waived, unverified
   * (no longer observed failing: its data stopped being reported), or gone (no longer reported at all).
   */
  status: 'open' | 'unverified' | 'resolved' | 'waived' | 'gone';
  /** For a perimeter breach: VM, from, to, when, event id (breach-evidence.ts). */
  evidenceLine?: string;
}

export interface Digest {
  minSeverity: Severity;
  newItems: DigestItem[];
  closedItems: DigestItem[];
  /** Open findings at or above the threshold after this run. */
  openCount: number;
  /**
   * This digest's place in the sequence (the previous state's `seq`): {new: X} after {closed: X} after
   * {new: X} is a third digest, not a repeat of the first, while re-planning from the same state after a
   * crash gives the same number.
   */
  sequence: number;
  /** State to store once the digest's messages are enqueued. */
  nextState: NotifyState;
}

function toItem(f: Finding, status: DigestItem['status']): DigestItem {
  const item: DigestItem = {
    fingerprint: f.fingerprint,
    ruleId: f.ruleId,
    severity: f.severity,
    title: f.title,
    resourceType: f.resourceType,
    resourceId: f.resourceId,
    status,
  };
  if (f.resourceName !== undefined) item.resourceName = f.resourceName;
  const line = f.category === 'perimeter' ? breachEvidenceLine(f.resourceName ?? f.resourceId, f.evidence) : undefined;
  if (line !== undefined) item.evidenceLine = line;
  return item;
}

/**
 * New and closed findings since the last notification. A fingerprint announced as new is not announced
 * again until it has been announced as closed, whatever the threshold or the number of runs in between.
 */
export function computeDigest(
  findings: readonly Finding[],
  previous: NotifyState | undefined,
  minSeverity: Severity,
  now: string,
  /** Unverified findings (failing only on defaults nobody reported) are left out unless asked for. */
  options: { includeUnverified?: boolean } = {},
): Digest {
  const announces = (f: Finding) =>
    (f.status === 'open' || (options.includeUnverified === true && f.status === 'unverified')) &&
    atOrAbove(f.severity, minSeverity);
  const announced = new Set(previous?.announced ?? []);
  const byFingerprint = new Map(findings.map((f) => [f.fingerprint, f]));
  const newItems: DigestItem[] = [];
  const closedItems: DigestItem[] = [];
  let openCount = 0;

  for (const f of byFingerprint.values()) {
    if (!announces(f)) continue;
    openCount++;
    if (!announced.has(f.fingerprint)) newItems.push(toItem(f, f.status === 'unverified' ? 'unverified' : 'open'));
  }
  for (const fp of announced) {
    const f = byFingerprint.get(fp);
    if (f === undefined) {
      closedItems.push({
        fingerprint: fp,
        ruleId: 'unknown',
        severity: 'info',
        title: 'No longer reported',
        resourceType: 'unknown',
        resourceId: fp,
        status: 'gone',
      });
    } else if (f.status !== 'open' && !(f.status === 'unverified' && options.includeUnverified === true)) {
      closedItems.push(toItem(f, f.status));
    }
  }

  const closed = new Set(closedItems.map((i) => i.fingerprint));
  const nextAnnounced = [...announced].filter((fp) => !closed.has(fp)).concat(newItems.map((i) => i.fingerprint));
  const sequence = previous?.seq ?? 0;
  const changed = newItems.length > 0 || closedItems.length > 0;
  return {
    minSeverity,
    newItems,
    closedItems,
    openCount,
    sequence,
    nextState: { at: now, announced: nextAnnounced.sort(), seq: changed ? sequence + 1 : sequence },
  };
}
