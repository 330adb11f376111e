import { fixedClock } from '../../src/model/ports/clock';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, type AuditTimings } from '../../src/app/audit';
import { finishShardedAudit } from '../../src/app/finish-sharded-audit';
import { readState, STATE } from '../../src/store/state-keys';
import { loadRules } from '../../src/engine/load-rules';
import { fingerprint, profileOf } from '../../src/engine/fingerprint';
import { UNCLUSTERED_SHARD } from '../../src/engine/sharded-audit';
import { runKeys } from '../../src/model/run-files';
import type { LoadedRule } from '../../src/engine/types';
import type { Finding } from '../../src/model/finding';
import { startLocalS3, type LocalS3 } from '../../src/server/local-s3';
import { runLocalWorkflow, type LocalWorkflowDeps } from '../../src/server/local-workflow';
import type { DynamoStore } from '../../src/store/dynamo-store';
import { fleetEvents as generatedEvents, generateFleet } from '../support/generated-fleet';
import { fleetEvents } from './helpers/fleet-fixture';
import { localTables } from './helpers/local-table';
import { refusingWholeReads } from './helpers/refusing-store';
import { clusterUnverifiedGroup } from '../../src/store/unverified-pages';

const BUCKET = 'hyperaudit-reports';
const tracesDir = fileURLToPath(new URL('../fixtures/functions/traces/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hyperaudit-sharded-'));
let rules: LoadedRule[];
let s3: LocalS3;
const tables = localTables();

beforeAll(async () => {
  rules = loadRules();
  s3 = await startLocalS3(join(dir, 's3'));
});
afterAll(async () => {
  await s3.close();
  await tables.stopAll();
  rmSync(dir, { recursive: true, force: true });
});

const deps = (store: DynamoStore, extra: Partial<LocalWorkflowDeps> = {}): LocalWorkflowDeps => ({
  store,
  s3,
  bucket: BUCKET,
  tracesDir,
  rules,
  failThreshold: 'high',
  minSeverity: 'info',
  ...extra,
});

const reportFile = (key: string) => readFileSync(s3.objectPath(BUCKET, key), 'utf8');

describe('the sharded full audit through the synthesized state machine, on dynalite', () => {
  it('stores the findings a whole-fleet audit of the same data finds, on a generated multi-cluster fleet', async () => {
    // 12 clusters, VMs on hosts nobody reported (a `(no cluster)` shard with no host, so audited but not
    // simulated), migrations that cross clusters.
    const fleet = generateFleet({ hosts: 96, vmsPerHost: 3, hostsPerCluster: 8, strayVms: 6, seed: 5 });
    // A perimeter with no constraints whose members sit in many clusters: the fleet-level rule counts them all.
    fleet.perimeters.set('open', { id: 'open', name: 'open' });
    for (const vm of fleet.vms.values()) if (vm.id.endsWith('7')) fleet.vms.set(vm.id, { ...vm, perimeter: 'open' });
    const store = await tables.with(generatedEvents(fleet));
    const now = new Date('2026-12-01T06:00:00.000Z');
    const run = await runLocalWorkflow('schedule', deps(store), now);

    expect(run.audit.shards).toBe(13);
    expect(run.audit.clusters).toBe(12);
    expect(run.shards).toHaveLength(12);
    expect(run.auditShards.map((s) => s.clusterId)).toContain(UNCLUSTERED_SHARD);
    expect(run.auditShards).toHaveLength(13);
    expect(run.plan).toBeUndefined();
    const sharded = (await store.listFindings()).filter((f) => f.status !== 'resolved');
    expect(sharded.length).toBeGreaterThan(100);
    for (const type of ['host', 'vm', 'perimeter'] as const)
      expect(
        sharded.some((f) => f.resourceType === type),
        type,
      ).toBe(true);

    // The whole-fleet audit, on the same table (the figures the run stored) at the same time, changes nothing.
    const timings: AuditTimings = { readMs: 0, evaluateMs: 0, lifecycleMs: 0, writeMs: 0, findingsWritten: 0 };
    const whole = await runAudit({ store, clock: fixedClock(run.audit.auditedAt) }, { rules, full: true, timings });
    expect(timings.findingsWritten).toBe(0);
    const key = (f: { fingerprint: string }) => f.fingerprint;
    expect([...whole.findings].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      [...sharded].sort((a, b) => key(a).localeCompare(key(b))),
    );
    expect(run.report.findings).toEqual(whole.summary.findings);
    // Every shard ran the lifecycle of its own resources' findings and staged the changes for the finish step.
    for (const shard of run.auditShards) expect(shard.staged, shard.clusterId).toBeDefined();
    expect(run.auditShards.reduce((n, s) => n + (s.staged?.changed ?? 0), 0)).toBeGreaterThan(0);

    // The finish step's merge reads the shards' parts and staged changes and the perimeters, never the fleet nor
    // every finding: run again on this run's parts (a retry of the step) with those reads refused, it commits the same
    // changes again and records the run exactly as the whole-fleet audit just did.
    const recorded = await readState(store, STATE.auditLatest);
    const stored = [...(await store.listFindings())].sort((a, b) => key(a).localeCompare(key(b)));
    const again = await finishShardedAudit(run.audit, {
      store: refusingWholeReads(store, ['loadFleet', 'readHistory', 'loadFleetWithHistory', 'listFindings']),
      s3: s3.client,
      bucket: BUCKET,
      rules,
    });
    expect(await readState(store, STATE.auditLatest)).toEqual(recorded);
    expect(again.summary).toEqual(whole.summary);
    expect(again.compliance).toEqual(whole.compliance);
    expect([...(await store.listFindings())].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(stored);
  }, 300_000);
});

describe('the daily run after the first, on a table with the cluster index and shard registry', () => {
  it('compacts and replays each shard in its own step, and still equals a whole-fleet audit after a VM moved between clusters', async () => {
    const fleet = generateFleet({ hosts: 48, vmsPerHost: 3, hostsPerCluster: 8, strayVms: 4, seed: 9 });
    const store = await tables.with(generatedEvents(fleet));
    const first = await runLocalWorkflow('schedule', deps(store), new Date('2026-12-01T06:00:00.000Z'));
    // The first run on a table builds the index and the registry with one compaction of the whole table.
    expect(first.audit.reads).toBe('shards');
    expect(first.audit.compaction?.entities).toBeGreaterThan(0);

    // A day later: vm-0 migrated from its cluster into another one, and another cluster's host changed; the stream's
    // evaluation re-places what changed (refreshEntities), as on AWS, and leaves the events for compaction.
    const from = fleet.hosts.get('host-0')!.cluster!;
    const to = fleet.hosts.get('host-20')!.cluster!;
    const changedCluster = fleet.hosts.get('host-40')!.cluster!;
    expect(new Set([from, to, changedCluster]).size).toBe(3);
    // A VM of the changed cluster with an open and an unverified finding is removed: the stream's refresh takes it
    // out of the cluster index, so no shard reads it; the run must still resolve its findings as a whole-fleet audit.
    const current = (await store.listFindings()).filter((f) => f.status !== 'resolved' && f.resourceType === 'vm');
    const statusesOf = (vm: string) => new Set(current.filter((f) => f.resourceId === vm).map((f) => f.status));
    const gone = [...fleet.vms.values()]
      .map((vm) => vm.id)
      .filter((id) => id !== 'vm-0' && id !== 'vm-121')
      .find((id) => statusesOf(id).has('open') && statusesOf(id).has('unverified'))!;
    expect(gone).toBeDefined();
    // A stale page member: the unverified finding of a VM that is in no shard and no longer in the fleet (removed
    // before the run kept its judged list). It must be resolved and leave the pages, not ride in `foreign` forever.
    const fromGroup = clusterUnverifiedGroup(from);
    const [member] = await store.listUnverifiedFindings([fromGroup]);
    const ghost: Finding = {
      ...member!,
      fingerprint: fingerprint(member!.ruleId, 'vm', 'vm-ghost'),
      resourceId: 'vm-ghost',
      resourceName: 'vm-ghost',
    };
    const ruleMembers = (await store.listUnverifiedFindings([fromGroup])).filter((f) => f.ruleId === member!.ruleId);
    await store.replaceUnverified('scg', fromGroup, member!.ruleId, [...ruleMembers, ghost]);
    const put = await store.putEvents([
      { id: 'day2-rm', time: '2026-12-02T04:50:00.000Z', type: 'vm.remove', vm: { id: gone } },
      {
        id: 'day2-mig',
        time: '2026-12-02T04:00:00.000Z',
        type: 'vm.migrate',
        migrate: { vmId: 'vm-0', fromHostId: 'host-0', toHostId: 'host-20', kind: 'live' },
      },
      {
        id: 'day2-host',
        time: '2026-12-02T04:30:00.000Z',
        type: 'host.upsert',
        host: { id: 'host-40', name: 'esx-40-renamed' },
      },
      { id: 'day2-off', time: '2026-12-02T04:40:00.000Z', type: 'vm.power_off', vm: { id: 'vm-121' } },
    ] as Parameters<DynamoStore['putEvents']>[0]);
    expect(put.written).toBe(4);
    await store.refreshEntities(put.subjects);
    const firstSeenOfVm0 = new Map(
      (await store.listFindings())
        .filter((f) => f.resourceId === 'vm-0' && f.status !== 'resolved')
        .map((f) => [f.fingerprint, { firstSeen: f.firstSeen, status: f.status }]),
    );
    expect([...firstSeenOfVm0.values()].some((f) => f.status === 'unverified')).toBe(true);

    const run = await runLocalWorkflow('schedule', deps(store), new Date('2026-12-02T06:00:00.000Z'));
    expect(run.audit.reads).toBe('shards');
    expect(run.audit.compaction).toBeUndefined();
    expect(run.prepared).toHaveLength(run.audit.shards);
    const prepared = new Map(run.prepared.map((p) => [p.clusterId, p]));
    // The shards fold the new events into snapshots: the refresh covered none stored in its last five minutes.
    expect(prepared.get(changedCluster)!.compaction.snapshotsWritten).toBeGreaterThan(0);
    expect(prepared.get(to)!.compaction.snapshotsWritten).toBeGreaterThan(0);
    expect(run.prepared.reduce((n, p) => n + p.movedOut, 0)).toBe(0);
    // vm-0 is audited in the cluster it moved to, with its migration replayed in that shard's window.
    const slice = JSON.parse(reportFile(runKeys.auditSlice(run.runId, to))) as { vmIds: string[] };
    expect(slice.vmIds).toContain('vm-0');
    const before = JSON.parse(reportFile(runKeys.auditSlice(run.runId, from))) as { vmIds: string[] };
    expect(before.vmIds).not.toContain('vm-0');
    const work = JSON.parse(reportFile(runKeys.clusterWork(run.runId, to))) as { placement: [string, unknown[]][] };
    expect(work.placement.find(([id]) => id === 'vm-0')?.[1].length).toBeGreaterThan(1);
    expect(run.audit.hosts).toBe(48);

    const sharded = (await store.listFindings()).filter((f) => f.status !== 'resolved');
    const timings: AuditTimings = { readMs: 0, evaluateMs: 0, lifecycleMs: 0, writeMs: 0, findingsWritten: 0 };
    const whole = await runAudit({ store, clock: fixedClock(run.audit.auditedAt) }, { rules, full: true, timings });
    expect(timings.findingsWritten).toBe(0);
    // Stored findings keep the sighting that last changed them; the last full audit's time stands for the rest.
    const comparable = (list: readonly Finding[]) =>
      list.map(({ lastSeen: _, ...f }) => f).sort((a, b) => a.fingerprint.localeCompare(b.fingerprint));
    expect(comparable(whole.findings)).toEqual(comparable(sharded));
    expect(run.report.findings).toEqual(whole.summary.findings);
    // vm-0's unverified findings were on the pages of the cluster it left, which the shard it moved to does not read:
    // the finish step moved them to the new cluster's pages with their firstSeen, and off the old cluster's.
    for (const shard of run.auditShards) expect(shard.staged, shard.clusterId).toBeDefined();
    const vm0 = sharded.filter((f) => f.resourceId === 'vm-0');
    for (const f of vm0)
      if (firstSeenOfVm0.has(f.fingerprint))
        expect(f.firstSeen, f.ruleId).toBe(firstSeenOfVm0.get(f.fingerprint)!.firstSeen);
    expect(vm0.filter((f) => firstSeenOfVm0.get(f.fingerprint)?.status === 'unverified').length).toBeGreaterThan(0);
    const removed = (await store.listFindings()).filter((f) => f.resourceId === gone);
    expect(removed.length).toBeGreaterThan(1);
    for (const f of removed)
      expect(f, f.ruleId).toMatchObject({
        status: 'resolved',
        resolvedAt: run.audit.auditedAt,
        resolvedBy: { eventId: 'day2-rm', effect: 'removed' },
      });
    expect(run.report.findings).toEqual(whole.summary.findings);
    expect((await store.listFindings()).filter((f) => f.resourceId === 'vm-ghost')).toMatchObject([
      { status: 'resolved', resolvedAt: run.audit.auditedAt },
    ]);
    const oldPages = await store.listUnverifiedFindings([clusterUnverifiedGroup(from)]);
    expect(oldPages.filter((f) => f.resourceId === 'vm-ghost')).toEqual([]);
    expect(oldPages.filter((f) => f.resourceId === 'vm-0')).toEqual([]);
    const newPages = await store.listUnverifiedFindings([clusterUnverifiedGroup(to)]);
    expect(newPages.some((f) => f.resourceId === 'vm-0')).toBe(true);
  }, 300_000);
});

describe('the run’s profile', () => {
  it('is settled once by the start step: a stig run stores stig findings and records stig, as a whole-fleet stig audit', async () => {
    const stig = loadRules(undefined, { profile: 'stig' });
    const store = await tables.with(fleetEvents());
    const run = await runLocalWorkflow(
      'schedule',
      deps(store, { rules: stig, profile: 'stig' }),
      new Date('2026-11-26T08:00:00Z'),
    );
    expect(run.audit.profile).toBe('stig');
    const current = (await store.listFindings()).filter((f) => f.status !== 'resolved');
    expect(current.length).toBeGreaterThan(0);
    expect(new Set(current.map((f) => profileOf(f)))).toEqual(new Set(['stig']));
    expect((await readState(store, STATE.auditLatest))?.profile).toBe('stig');

    const timings: AuditTimings = { readMs: 0, evaluateMs: 0, lifecycleMs: 0, writeMs: 0, findingsWritten: 0 };
    const whole = await runAudit(
      { store, clock: fixedClock(run.audit.auditedAt) },
      { rules: stig, profile: 'stig', full: true, timings },
    );
    expect(timings.findingsWritten).toBe(0);
    expect(run.report.findings).toEqual(whole.summary.findings);
  }, 180_000);
});

describe('the optional plan step', () => {
  it('is skipped when the run input has no plan, and the report has no plan section', async () => {
    const store = await tables.with(fleetEvents());
    const run = await runLocalWorkflow('schedule', deps(store), new Date('2026-11-26T06:00:00Z'));
    expect(run.plan).toBeUndefined();
    expect(await readState(store, STATE.planLatest)).toBeUndefined();
    const html = reportFile(`${run.report.reportPrefix}report.html`);
    expect(html).not.toContain('<h2>Planned fixes</h2>');
  }, 180_000);

  it('runs between the shards and the report when the run input asks for it, and the report shows the plan', async () => {
    const store = await tables.with(fleetEvents());
    const run = await runLocalWorkflow(
      'schedule',
      deps(store, { plan: { goal: 'fix', maxMoves: 5 } }),
      new Date('2026-11-26T07:00:00Z'),
    );
    expect(run.plan).toMatchObject({ runId: run.runId, goal: 'fix' });
    expect(run.plan!.steps).toBeLessThanOrEqual(5);
    const stored = await readState(store, STATE.planLatest);
    expect(stored?.goal).toBe('fix');
    expect(stored?.steps).toHaveLength(run.plan!.steps);
    const html = reportFile(`${run.report.reportPrefix}report.html`);
    expect(html).toContain('<h2>Planned fixes</h2>');
    const json = JSON.parse(reportFile(`${run.report.reportPrefix}report.json`)) as { plan?: { goal: string } };
    expect(json.plan?.goal).toBe('fix');
  }, 180_000);
});
