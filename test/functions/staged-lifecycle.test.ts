import { afterAll, describe, expect, it } from 'vitest';
import type { AuditPart } from '../../src/app/audit-shard-files';
import { commitStagedLifecycle } from '../../src/app/commit-staged-lifecycle';
import {
  departedCandidates,
  JUDGED_KEY,
  readJudged,
  writeJudged,
  type Removed,
} from '../../src/app/departed-resources';
import { lifecycleStageFile, lifecycleStageKey, readLifecycleStage } from '../../src/app/lifecycle-stage-files';
import { stageShardLifecycle } from '../../src/app/shard-lifecycle';
import { fingerprint } from '../../src/engine/fingerprint';
import { loadRules } from '../../src/engine/load-rules';
import type { LoadedRule, RuleHit } from '../../src/engine/types';
import type { Waiver } from '../../src/engine/waivers';
import type { Finding } from '../../src/model/finding';
import { MemoryStore } from '../../src/store/memory-store';
import { putJson } from '../../src/store/s3-json';
import { clusterUnverifiedGroup } from '../../src/store/unverified-pages';
import { memoryS3 } from './helpers/memory-s3';

const BUCKET = 'hyperaudit-staged-test';
const BEFORE = '2026-11-30T06:00:00.000Z';
const AUDITED_AT = '2026-12-01T06:00:00.000Z';
const LATER = '2026-12-01T06:10:00.000Z';
const rules = loadRules();
const rule = rules.find((r) => r.resourceType === 'vm')!;
const s3 = memoryS3();
afterAll(() => s3.mock.restore());

function stored(r: LoadedRule, vm: string, status: Finding['status'], cluster: string, at = BEFORE): Finding {
  return {
    fingerprint: fingerprint(r.id, 'vm', vm),
    ruleId: r.id,
    pack: r.pack,
    severity: r.severity,
    category: r.category,
    resourceType: 'vm',
    resourceId: vm,
    title: r.title,
    evidence: {},
    controls: r.controls,
    rationale: r.rationale,
    remediation: r.remediation,
    status,
    firstSeen: at,
    lastSeen: at,
    cluster,
    ...(status === 'unverified' && { verify: { missing: ['x'], collect: ['x'] } }),
  };
}

const hit = (vm: string, cluster: string): RuleHit => ({
  rule,
  resourceType: 'vm',
  resourceId: vm,
  cluster,
  evidence: {},
  unverified: { missing: ['x'], collect: ['x'] },
});

/** One shard staged as the AuditShard task stages it, and the part the finish step reads of it. */
async function stage(
  store: MemoryStore,
  runId: string,
  shard: string,
  vmIds: string[],
  hits: RuleHit[],
  waivers: Waiver[] = [],
) {
  const staged = (await stageShardLifecycle(store, {
    shard,
    hostIds: [],
    vmIds,
    hits,
    rules,
    profile: 'scg',
    waivers,
    auditedAt: AUDITED_AT,
    snapshotEvidence: undefined,
    paged: true,
  }))!;
  const key = lifecycleStageKey(runId, shard);
  await putJson(s3.client, BUCKET, key, lifecycleStageFile(staged));
  const { current, foreign, newer, reads } = staged;
  const part: AuditPart = {
    shard,
    hosts: 0,
    vms: vmIds.length,
    hostIds: [],
    vmIds,
    perimeterMembers: {},
    hits,
    coverage: [],
    snapshotEvidence: [],
    lifecycle: { key, current, foreign, newer, reads },
  };
  return part;
}

const commit = (store: MemoryStore, parts: AuditPart[], removed?: Removed) =>
  commitStagedLifecycle({
    store,
    s3: s3.client,
    bucket: BUCKET,
    parts,
    profile: 'scg',
    auditedAt: AUDITED_AT,
    ...(removed !== undefined && { removed }),
  });

describe('the per-shard lifecycle committed by the finish step', () => {
  it('moves a VM’s unverified finding to the pages of the cluster it moved to, keeping its firstSeen', async () => {
    const store = new MemoryStore();
    const old = stored(rule, 'vm-1', 'unverified', 'A');
    await store.replaceUnverified('scg', clusterUnverifiedGroup('A'), rule.id, [old]);
    const parts = [
      await stage(store, 'move', 'A', [], []),
      await stage(store, 'move', 'B', ['vm-1'], [hit('vm-1', 'B')]),
    ];
    expect(parts[0]!.lifecycle!.foreign.map((f) => f.fingerprint)).toEqual([old.fingerprint]);

    const figures = await commit(store, parts);
    expect(figures.moved).toBe(1);
    expect(await store.listUnverifiedFindings([clusterUnverifiedGroup('A')])).toEqual([]);
    const moved = await store.listUnverifiedFindings([clusterUnverifiedGroup('B')]);
    expect(moved).toMatchObject([
      { fingerprint: old.fingerprint, cluster: 'B', firstSeen: BEFORE, lastSeen: AUDITED_AT },
    ]);
  });

  it('resolves a moved VM’s unverified finding that no longer fires where it moved to', async () => {
    const store = new MemoryStore();
    const old = stored(rule, 'vm-1', 'unverified', 'A');
    await store.replaceUnverified('scg', clusterUnverifiedGroup('A'), rule.id, [old]);
    const parts = [await stage(store, 'gone', 'A', [], []), await stage(store, 'gone', 'B', ['vm-1'], [])];

    const figures = await commit(store, parts);
    expect(figures.resolvedAfterMove).toBe(1);
    expect(await store.listFindings()).toMatchObject([
      { fingerprint: old.fingerprint, status: 'resolved', resolvedAt: AUDITED_AT, firstSeen: BEFORE },
    ]);
  });

  it('leaves the pages of a VM no shard judged (removed, or arrived after the split) as they are', async () => {
    const store = new MemoryStore();
    const old = stored(rule, 'vm-9', 'unverified', 'A');
    await store.replaceUnverified('scg', clusterUnverifiedGroup('A'), rule.id, [old]);
    const figures = await commit(store, [await stage(store, 'none', 'A', [], [])]);
    expect(figures.pageSets).toBe(0);
    expect(await store.listFindings()).toEqual([old]);
  });

  it('resolves a removed VM’s unverified finding left on a shard’s pages and takes it off them, citing the removal', async () => {
    const store = new MemoryStore();
    const old = stored(rule, 'vm-9', 'unverified', 'A');
    const kept = stored(rule, 'vm-1', 'unverified', 'A');
    await store.replaceUnverified('scg', clusterUnverifiedGroup('A'), rule.id, [old, kept]);
    const part = await stage(store, 'removed', 'A', ['vm-1'], [hit('vm-1', 'A')]);
    const cites = { eventId: 'rm-9', time: BEFORE, effect: 'removed' as const };
    const figures = await commit(store, [part], {
      keys: new Set(['vm#vm-9']),
      evidence: new Map([['vm#vm-9', cites]]),
    });
    expect(figures.resolvedRemoved).toBe(1);
    expect((await store.listUnverifiedFindings([clusterUnverifiedGroup('A')])).map((f) => f.resourceId)).toEqual([
      'vm-1',
    ]);
    expect((await store.listFindings()).find((f) => f.resourceId === 'vm-9')).toMatchObject({
      status: 'resolved',
      resolvedAt: AUDITED_AT,
      resolvedBy: cites,
      firstSeen: BEFORE,
    });
  });

  it('checks for removal the VMs the last run judged and no shard judged now, and those of foreign page members', () => {
    const judged = new Map([['vm#vm-1', 'A']]);
    const before = new Map([
      ['vm#vm-1', 'A'],
      ['vm#vm-2', 'A'],
    ]);
    const foreign = [stored(rule, 'vm-1', 'unverified', 'B'), stored(rule, 'vm-9', 'unverified', 'A')];
    expect(departedCandidates(judged, before, foreign)).toEqual(['vm#vm-2', 'vm#vm-9']);
  });

  it('keeps the judged list across runs in the run bucket, and refuses one of another shape', async () => {
    const judged = new Map([
      ['vm#vm-2', 'B'],
      ['host#h-1', 'A'],
    ]);
    await writeJudged(s3.client, BUCKET, AUDITED_AT, judged);
    expect(await readJudged(s3.client, BUCKET)).toEqual(judged);
    await putJson(s3.client, BUCKET, JUDGED_KEY, { auditedAt: AUDITED_AT, resources: [['vm#vm-2']] });
    await expect(readJudged(s3.client, BUCKET)).rejects.toThrow(JUDGED_KEY);
  });

  it('does not overwrite a finding an incremental evaluation changed after the shard read it', async () => {
    const store = new MemoryStore();
    const open = stored(rule, 'vm-2', 'open', 'A');
    await store.putFindings([open]);
    // The shard judges vm-2 clean: it stages the finding resolved.
    const part = await stage(store, 'race', 'A', ['vm-2'], []);
    // Meanwhile the stream's evaluation sees the VM again, failing.
    const newer = { ...open, lastSeen: LATER, evidence: { again: true } };
    await store.putFindings([newer]);

    const figures = await commit(store, [part]);
    expect(figures.newerAtCommit).toBe(1);
    expect(await store.listFindings()).toEqual([newer]);
  });

  it('does not overwrite a finding an incremental evaluation created after the shard read', async () => {
    const store = new MemoryStore();
    // The shard finds vm-3 failing, with nothing stored for it: it stages the finding as new.
    const part = await stage(store, 'created', 'A', ['vm-3'], [{ ...hit('vm-3', 'A'), unverified: undefined }]);
    // Meanwhile the stream's evaluation stores the same finding, later and with other evidence.
    const newer = { ...stored(rule, 'vm-3', 'open', 'A', LATER), evidence: { again: true } };
    await store.putFindings([newer]);

    const figures = await commit(store, [part]);
    expect(figures.newerAtCommit).toBe(1);
    expect(figures.items).toBe(0);
    expect(await store.listFindings()).toEqual([newer]);
  });

  it('commits a resolution staged for a finding nothing changed since', async () => {
    const store = new MemoryStore();
    const open = stored(rule, 'vm-2', 'open', 'A');
    await store.putFindings([open]);
    await commit(store, [await stage(store, 'plain', 'A', ['vm-2'], [])]);
    expect(await store.listFindings()).toMatchObject([{ status: 'resolved', resolvedAt: AUDITED_AT }]);
  });

  it('keeps a moved VM’s finding the shard it moved to already holds unchanged, instead of resolving it', async () => {
    const store = new MemoryStore();
    // A move between pages that stopped after the new copy: the finding is on both clusters' pages.
    const old = stored(rule, 'vm-1', 'unverified', 'A');
    const copy = { ...stored(rule, 'vm-1', 'unverified', 'B'), lastSeen: '2026-11-30T12:00:00.000Z' };
    await store.replaceUnverified('scg', clusterUnverifiedGroup('A'), rule.id, [old]);
    await store.replaceUnverified('scg', clusterUnverifiedGroup('B'), rule.id, [copy]);
    const parts = [
      await stage(store, 'both', 'A', [], []),
      await stage(store, 'both', 'B', ['vm-1'], [hit('vm-1', 'B')]),
    ];
    expect(parts[1]!.lifecycle!.current).toEqual([[rule.id, 'vm', 'vm-1', 'unverified', rule.severity]]);

    const figures = await commit(store, parts);
    expect(figures.resolvedAfterMove).toBe(0);
    expect(await store.listUnverifiedFindings([clusterUnverifiedGroup('A')])).toEqual([]);
    expect(await store.listFindings()).toMatchObject([
      { fingerprint: old.fingerprint, status: 'unverified', cluster: 'B' },
    ]);
  });

  it('refuses a stage file whose findings would be stored with a severity, resolution time or profile of another shape', () => {
    const good = stored(rule, 'vm-1', 'open', 'A');
    const file = (f: unknown) => ({ group: 'g', created: [f], updated: [], pageSets: [], deletes: [] });
    expect(readLifecycleStage(file(good), 'k').created).toEqual([good]);
    for (const bad of [
      { ...good, severity: 'bogus' },
      { ...good, severity: undefined },
      { ...good, resolvedAt: 5 },
      { ...good, profile: {} },
    ])
      expect(() => readLifecycleStage(file(bad), 'k')).toThrow('k: created.0: expected a finding');
  });

  it('refuses to commit a stage that names another shard’s file or pages', async () => {
    const store = new MemoryStore();
    const old = stored(rule, 'vm-1', 'unverified', 'A');
    await store.replaceUnverified('scg', clusterUnverifiedGroup('A'), rule.id, [old]);
    const a = await stage(store, 'hostile', 'A', [], []);
    const b = await stage(store, 'hostile', 'B', ['vm-1'], []);
    await expect(commit(store, [{ ...b, lifecycle: { ...b.lifecycle!, key: a.lifecycle!.key } }])).rejects.toThrow(
      'another shard',
    );
    const key = lifecycleStageKey('hostile', 'B');
    await putJson(s3.client, BUCKET, key, {
      group: clusterUnverifiedGroup('B'),
      created: [],
      updated: [],
      pageSets: [{ group: clusterUnverifiedGroup('A'), ruleId: rule.id, findings: [] }],
      deletes: [],
    });
    await expect(commit(store, [b])).rejects.toThrow('outside shard');
    expect(await store.listUnverifiedFindings([clusterUnverifiedGroup('A')])).toEqual([old]);
  });

  it('cites the snapshot that removed a moved VM when it resolves the finding left on the old pages', async () => {
    const store = new MemoryStore();
    const old = stored(rule, 'vm-1', 'unverified', 'A');
    await store.replaceUnverified('scg', clusterUnverifiedGroup('A'), rule.id, [old]);
    const cites = { eventId: 'inv-7', time: BEFORE, effect: 'replaced' as const };
    const b = await stage(store, 'cite', 'B', ['vm-1'], []);
    const parts = [
      await stage(store, 'cite', 'A', [], []),
      { ...b, snapshotEvidence: [['vm#vm-1', cites]] as AuditPart['snapshotEvidence'] },
    ];
    await commit(store, parts);
    expect(await store.listFindings()).toMatchObject([{ status: 'resolved', resolvedBy: cites }]);
  });

  it('lets the shard a VM moved to store its waived finding, not the old cluster’s stale copy of it', async () => {
    const store = new MemoryStore();
    const old = stored(rule, 'vm-1', 'unverified', 'A');
    await store.replaceUnverified('scg', clusterUnverifiedGroup('A'), rule.id, [old]);
    const waivers: Waiver[] = [
      { resource: 'vm-1', rule: rule.id, reason: 'accepted', owner: 'ops', expires: '2027-01-01' },
    ];
    // The new cluster's shard commits first: the old one's copy, waived too, would land on top of it.
    const parts = [
      await stage(store, 'waived', 'B', ['vm-1'], [hit('vm-1', 'B')], waivers),
      await stage(store, 'waived', 'A', [], [], waivers),
    ];
    await commit(store, parts);
    expect(await store.listFindings()).toMatchObject([
      { fingerprint: old.fingerprint, status: 'waived', cluster: 'B', firstSeen: BEFORE, lastSeen: AUDITED_AT },
    ]);
  });
});
