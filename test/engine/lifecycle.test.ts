import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/engine/fingerprint';
import { computeLifecycle, lastSeenOf, type LifecycleInput } from '../../src/engine/lifecycle';
import type { LoadedRule, RuleHit } from '../../src/engine/types';
import { waiverMatcher, type Waiver } from '../../src/engine/waivers';
import type { Finding } from '../../src/model/finding';

const rule = (id: string): LoadedRule => ({
  id,
  pack: 'hardening',
  file: `${id}.json`,
  title: `title of ${id}`,
  severity: 'high',
  category: 'hardening',
  resourceType: 'host',
  params: {},
  appliesTo: {},
  conditions: { all: [] },
  evidenceFacts: [],
  controls: [{ framework: 'vsphere-8-scg', id: 'esxi-8.deactivate-ssh' }],
  rationale: 'why',
  remediation: 'how',
  fixtures: { compliant: { subject: 'x' }, nonCompliant: { subject: 'x' } },
});
const SSH = rule('esxi.ssh-disabled');
const hit = (
  resourceId: string,
  r = SSH,
  evidence: Record<string, unknown> = { 'serviceRunning:TSM-SSH': true },
): RuleHit => ({
  rule: r,
  resourceType: 'host',
  resourceId,
  evidence: evidence as RuleHit['evidence'],
});

function step(
  previous: Finding[],
  hits: RuleHit[],
  now: string,
  waivers: Waiver[] = [],
  extra: Partial<LifecycleInput> = {},
) {
  return computeLifecycle({
    previous,
    hits,
    ruleIds: new Set([SSH.id]),
    evaluated: () => true,
    waivers: waiverMatcher(waivers),
    now,
    ...extra,
  });
}
const T1 = '2026-11-01T00:00:00.000Z';
const T2 = '2026-11-02T00:00:00.000Z';
const T3 = '2026-11-03T00:00:00.000Z';
const T4 = '2026-11-04T00:00:00.000Z';

describe('computeLifecycle', () => {
  it('opens a new finding with a stable fingerprint and firstSeen = lastSeen = now', () => {
    const { findings, changed } = step([], [hit('esx-1')], T1);
    expect(findings).toEqual([
      expect.objectContaining({
        fingerprint: fingerprint(SSH.id, 'host', 'esx-1'),
        status: 'open',
        firstSeen: T1,
        lastSeen: T1,
      }),
    ]);
    expect(fingerprint(SSH.id, 'host', 'esx-1')).toMatch(/^[0-9a-f]{32}$/);
    expect(changed).toHaveLength(1);
  });

  it('keeps firstSeen and moves lastSeen when the finding is seen again', () => {
    const first = step([], [hit('esx-1')], T1).findings;
    const second = step(first, [hit('esx-1')], T2).findings;
    expect(second[0]).toMatchObject({ status: 'open', firstSeen: T1, lastSeen: T2 });
  });

  it('resolves a finding whose resource was evaluated and no longer fires', () => {
    const first = step([], [hit('esx-1')], T1).findings;
    const { findings, changed } = step(first, [], T2);
    expect(findings[0]).toMatchObject({ status: 'resolved', resolvedAt: T2, firstSeen: T1, lastSeen: T1 });
    expect(changed).toHaveLength(1);
  });

  it('reopens a resolved finding that fires again, keeping its first sighting', () => {
    const f1 = step([], [hit('esx-1')], T1).findings;
    const f2 = step(f1, [], T2).findings;
    const f3 = step(f2, [hit('esx-1')], T3).findings;
    expect(f3[0]).toMatchObject({ status: 'open', firstSeen: T1, lastSeen: T3 });
    expect(f3[0]).not.toHaveProperty('resolvedAt');
  });

  it('leaves findings of resources that were not evaluated (incremental run) as they were', () => {
    const first = step([], [hit('esx-1'), hit('esx-2')], T1).findings;
    const changedEvidence = { 'serviceRunning:TSM-SSH': true, 'servicePolicy:TSM-SSH': 'on' };
    const { findings, changed } = step(first, [hit('esx-2', SSH, changedEvidence)], T2, [], {
      evaluated: (_t, id) => id === 'esx-2',
    });
    expect(findings.find((f) => f.resourceId === 'esx-1')).toMatchObject({ status: 'open', lastSeen: T1 });
    expect(changed.map((f) => f.resourceId)).toEqual(['esx-2']);
  });

  it('writes nothing for a finding seen again unchanged, and reports it as seen now', () => {
    const first = step([], [hit('esx-1')], T1).findings;
    const { findings, changed } = step(first, [hit('esx-1')], T2);
    expect(changed).toEqual([]);
    expect(findings[0]).toMatchObject({ status: 'open', firstSeen: T1, lastSeen: T2 });
  });

  it('writes a finding seen again when what a reader sees changed: evidence, severity or waiver', () => {
    const first = step([], [hit('esx-1')], T1).findings;
    expect(step(first, [hit('esx-1', SSH, { 'serviceRunning:TSM-SSH': 'yes' })], T2).changed).toHaveLength(1);
    expect(step(first, [hit('esx-1', { ...SSH, severity: 'critical' })], T2).changed).toHaveLength(1);
    const waiver: Waiver = { resource: 'esx-1', rule: SSH.id, reason: 'r', owner: 'o', expires: '2026-12-01' };
    expect(step(first, [hit('esx-1')], T2, [waiver]).changed).toEqual([expect.objectContaining({ status: 'waived' })]);
  });

  it('writes the one finding whose evidence changed when stored findings share evidence and controls objects', () => {
    // As decoded from a page: members share the page's copy of the rule's controls and of repeated evidence.
    const evidence = { 'serviceRunning:TSM-SSH': true };
    const controls = [{ framework: 'vsphere-8-scg', id: 'esxi-8.deactivate-ssh' }];
    const stored = step([], [hit('esx-1'), hit('esx-2'), hit('esx-3')], T1).findings.map((f) => ({
      ...f,
      evidence,
      controls,
    }));
    const same = { 'serviceRunning:TSM-SSH': true };
    const { changed } = step(
      stored,
      [hit('esx-1', SSH, same), hit('esx-2', SSH, same), hit('esx-3', SSH, { 'serviceRunning:TSM-SSH': 'yes' })],
      T2,
    );
    expect(changed.map((f) => f.resourceId)).toEqual(['esx-3']);
  });

  it('dates an unchanged stored finding by the last full audit that saw it', () => {
    const [stored] = step([], [hit('esx-1')], T1).findings;
    expect(lastSeenOf(stored!, T3)).toBe(T3);
    expect(lastSeenOf(stored!, undefined)).toBe(T1);
    expect(lastSeenOf({ ...stored!, status: 'resolved', resolvedAt: T2 }, T3)).toBe(T1);
  });

  it('does not touch findings of rules that are not loaded in this run', () => {
    const other = rule('esxi.shell-disabled');
    const first = computeLifecycle({
      previous: [],
      hits: [hit('esx-1', other)],
      ruleIds: new Set([other.id]),
      evaluated: () => true,
      waivers: waiverMatcher([]),
      now: T1,
    }).findings;
    const { findings, changed } = step(first, [], T2);
    expect(findings).toEqual([]);
    expect(changed).toEqual([]);
  });

  it('reports a waived finding as waived with its waiver, never dropping it, and reopens it once the waiver expires', () => {
    const waiver: Waiver = {
      resource: 'esx-*',
      rule: 'esxi.ssh-*',
      reason: 'vendor agent needs SSH',
      owner: 'ops@example.net',
      expires: '2026-11-02',
    };
    const f1 = step([], [hit('esx-1')], T1, [waiver]).findings;
    expect(f1).toEqual([
      expect.objectContaining({
        status: 'waived',
        waiver: { reason: 'vendor agent needs SSH', owner: 'ops@example.net', expires: '2026-11-02' },
      }),
    ]);
    // A bare date lasts through that UTC day.
    expect(step(f1, [hit('esx-1')], '2026-11-02T23:59:59.000Z', [waiver]).findings[0]!.status).toBe('waived');
    const expired = step(f1, [hit('esx-1')], T3, [waiver]).findings[0]!;
    expect(expired.status).toBe('open');
    expect(expired).not.toHaveProperty('waiver');
  });

  it('reopens a waived finding when its waiver expires even if its resource was not re-evaluated', () => {
    const waiver: Waiver = {
      resource: 'esx-1',
      rule: SSH.id,
      reason: 'r',
      owner: 'o',
      expires: '2026-11-02T12:00:00Z',
    };
    const f1 = step([], [hit('esx-1')], T1, [waiver]).findings;
    const { findings, changed } = step(f1, [], T4, [waiver], { evaluated: () => false });
    expect(findings[0]).toMatchObject({ status: 'open', lastSeen: T1 });
    expect(changed).toHaveLength(1);
  });

  it('ignores waivers for other rules, resources or resource types', () => {
    const waivers: Waiver[] = [
      { resource: 'esx-1', rule: 'esxi.shell-*', reason: 'r', owner: 'o', expires: '2099-01-01' },
      { resource: 'esx-2*', rule: '*', reason: 'r', owner: 'o', expires: '2099-01-01' },
      { resource: 'esx-1', resourceType: 'vm', rule: '*', reason: 'r', owner: 'o', expires: '2099-01-01' },
    ];
    expect(step([], [hit('esx-1')], T1, waivers).findings[0]!.status).toBe('open');
  });
});
