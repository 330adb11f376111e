import { describe, expect, it } from 'vitest';
import { complianceHistory, loadCompliance, storeCompliance } from '../../src/app/compliance-store';
import { buildCompliance, ruleOutcomes } from '../../src/engine/compliance';
import type { Finding } from '../../src/model/finding';
import { MemoryStore } from '../../src/store/memory-store';
import { loadedRule } from '../support/loaded-rule';

const rule = loadedRule;

function finding(ruleId: string, resourceId: string, status: Finding['status']): Finding {
  return {
    fingerprint: `${ruleId}/${resourceId}`,
    ruleId,
    pack: 'hardening',
    severity: 'high',
    category: 'hardening',
    resourceType: 'host',
    resourceId,
    title: ruleId,
    evidence: {},
    controls: [],
    remediation: 'x',
    status,
    firstSeen: '2026-11-01T00:00:00.000Z',
    lastSeen: '2026-11-01T00:00:00.000Z',
  };
}

const scg = { framework: 'vsphere-8-scg', id: 'esxi-8.a' };
const stig = { framework: 'disa-stig', id: 'ESXI-80-1' };
const pci = { framework: 'pci-dss-4.0', id: '1.3' };
const hosts = ['h1', 'h2', 'h3', 'h4'];

function record(at = '2026-11-05T00:00:00.000Z') {
  return buildCompliance({
    at,
    profile: 'scg',
    rules: [rule('r.a', [scg, stig]), rule('r.b', [pci]), rule('r.c', [scg])],
    coverage: [
      { ruleId: 'r.a', resourceIds: hosts, unverifiedIds: ['h3'] },
      { ruleId: 'r.b', resourceIds: ['h1', 'h2'] },
      { ruleId: 'r.c', resourceIds: hosts, unverifiedIds: ['h4'] },
    ],
    findings: [
      finding('r.a', 'h1', 'open'),
      finding('r.a', 'h2', 'waived'),
      finding('r.a', 'h3', 'unverified'),
      finding('r.b', 'h2', 'resolved'),
    ],
    resources: { host: 5, vm: 0, cluster: 0, perimeter: 0 },
  });
}

describe('compliance view', () => {
  it('finds the unverified ids whatever their order against the evaluated ids, repeated ids included', () => {
    const build = (resourceIds: string[], unverifiedIds: string[]) =>
      buildCompliance({
        at: '2026-11-05T00:00:00.000Z',
        profile: 'scg',
        rules: [rule('r.c', [scg])],
        coverage: [{ ruleId: 'r.c', resourceIds, unverifiedIds }],
        findings: [],
        resources: { host: 6, vm: 0, cluster: 0, perimeter: 0 },
      }).rules[0]!;
    const inOrder = build(['h1', 'h2', 'h3', 'h4'], ['h2', 'h4']);
    expect(inOrder).toMatchObject({ pass: 2, unverified: 2, unverifiedIds: ['h2', 'h4'] });
    // Another order than the evaluated ids' (not how the evaluation builds them) still finds each one.
    expect(build(['h1', 'h2', 'h3', 'h4'], ['h4', 'h2'])).toEqual(inOrder);
    // A sorted merge of shards may repeat an id: every copy counts, as with a set.
    expect(build(['h1', 'h2', 'h2', 'h3'], ['h2'])).toMatchObject({ unverified: 2, unverifiedIds: ['h2', 'h2'] });
  });

  it('gives each rule × evaluated resource one outcome and counts the rest of its type as not applicable', () => {
    const r = record();
    const a = r.rules.find((x) => x.ruleId === 'r.a')!;
    expect(a).toMatchObject({ pass: 1, fail: 1, waived: 1, unverified: 1, notApplicable: 1 });
    expect(a).toMatchObject({ failIds: ['h1'], waivedIds: ['h2'], unverifiedIds: ['h3'] });
    // A resolved finding is a pass; a result resting on unreported data without a finding is unverified.
    expect(r.rules.find((x) => x.ruleId === 'r.b')).toMatchObject({ pass: 2, fail: 0, notApplicable: 3 });
    expect(r.rules.find((x) => x.ruleId === 'r.c')).toMatchObject({ pass: 3, unverified: 1, unverifiedIds: ['h4'] });
    expect([...ruleOutcomes(r)].filter((o) => o.rule.ruleId === 'r.a').map((o) => o.outcome)).toEqual([
      'fail',
      'waived',
      'unverified',
      'pass',
    ]);
  });

  it("ranks an id on several of a rule's lists fail, then waived, then unverified, whatever the lists' order", () => {
    const r = record();
    const a = r.rules.find((x) => x.ruleId === 'r.a')!;
    const overlapping = { ...a, failIds: ['h3'], waivedIds: ['h3', 'h1'], unverifiedIds: ['h1', 'h3', 'h2'] };
    const outcomes = [...ruleOutcomes({ ...r, rules: [overlapping] })].map((o) => [o.resourceId, o.outcome]);
    expect(outcomes).toEqual([
      ['h1', 'waived'],
      ['h2', 'unverified'],
      ['h3', 'fail'],
      ['h4', 'pass'],
    ]);
  });

  it('reads each finding for its rule and type only: a repeated id, a later finding, a resolved one, another type', () => {
    const vmFinding = { ...finding('r.a', 'h2', 'open'), resourceType: 'vm' as const };
    const built = buildCompliance({
      at: '2026-11-05T00:00:00.000Z',
      profile: 'scg',
      rules: [rule('r.a', [scg]), rule('r.b', [pci])],
      coverage: [
        { ruleId: 'r.a', resourceIds: ['h1', 'h1', 'h2', 'h3', 'h4'] },
        { ruleId: 'r.b', resourceIds: ['h1', 'h1', 'h2', 'h3', 'h4'] },
      ],
      findings: [
        finding('r.a', 'h1', 'open'),
        // The same rule and resource again: the later one is what the view shows (a resolved one is skipped).
        finding('r.a', 'h3', 'open'),
        finding('r.a', 'h3', 'waived'),
        finding('r.a', 'h3', 'resolved'),
        // A finding of another type than the rule's, and of a rule not loaded: no outcome of theirs.
        vmFinding,
        finding('r.gone', 'h4', 'open'),
        finding('r.b', 'h4', 'unverified'),
        finding('r.b', 'h9', 'open'),
      ],
      resources: { host: 5, vm: 0, cluster: 0, perimeter: 0 },
    });
    expect(built.rules[0]).toMatchObject({ fail: 2, waived: 1, pass: 2, failIds: ['h1', 'h1'], waivedIds: ['h3'] });
    expect(built.rules[1]).toMatchObject({ fail: 0, unverified: 1, pass: 4, unverifiedIds: ['h4'] });
  });

  it('keeps each distinct evaluated resource list once, also when every rule brings its own copy (sharded merge)', () => {
    const copies = buildCompliance({
      at: '2026-11-05T00:00:00.000Z',
      profile: 'scg',
      rules: [rule('r.a', [scg]), rule('r.b', [pci]), rule('r.c', [scg])],
      coverage: [
        { ruleId: 'r.a', resourceIds: [...hosts] },
        { ruleId: 'r.b', resourceIds: ['h1', 'h2'] },
        { ruleId: 'r.c', resourceIds: [...hosts] },
      ],
      findings: [],
      resources: { host: 5, vm: 0, cluster: 0, perimeter: 0 },
    });
    expect(copies.evaluatedSets).toEqual([hosts, ['h1', 'h2']]);
    expect(copies.rules.map((r) => [r.ruleId, r.evaluated])).toEqual([
      ['r.a', 0],
      ['r.b', 1],
      ['r.c', 0],
    ]);
  });

  it("holds the evaluation's resource lists themselves, not copies, for the evaluated sets and an all-unverified rule", () => {
    const vms = ['v1', 'v2', 'v3'];
    const some = ['v1', 'v2', 'v3'];
    const built = buildCompliance({
      at: '2026-11-05T00:00:00.000Z',
      profile: 'scg',
      rules: [rule('r.a', [scg]), rule('r.b', [scg])],
      coverage: [
        { ruleId: 'r.a', resourceIds: vms, unverifiedIds: [...vms] },
        { ruleId: 'r.b', resourceIds: some, unverifiedIds: ['v2'] },
      ],
      findings: [],
      resources: { host: 0, vm: 3, cluster: 0, perimeter: 0 },
    });
    // Copies of lists of 100,000 ids were 20 MB of new memory per audit on the sparse 100,000-VM fleet.
    expect(built.evaluatedSets[0]).toBe(vms);
    expect(built.rules[0]!.unverifiedIds).toBe(vms);
    expect(built.rules[1]).toMatchObject({ evaluated: 0, unverified: 1, pass: 2, unverifiedIds: ['v2'] });
    expect(built.rules[1]!.unverifiedIds).not.toBe(some);
  });

  it('rolls rules up into controls and frameworks with percent compliant', () => {
    const r = record();
    expect(r.controls.map((c) => [c.framework, c.id, c.status])).toEqual([
      ['vsphere-8-scg', 'esxi-8.a', 'fail'],
      ['disa-stig', 'ESXI-80-1', 'fail'],
      ['pci-dss-4.0', '1.3', 'pass'],
    ]);
    const byId = new Map(r.frameworks.map((f) => [f.framework, f]));
    // SCG: r.a (1 pass, 1 fail, 1 unverified) + r.c (3 pass, 1 unverified) → 4 / 7.
    expect(byId.get('vsphere-8-scg')).toMatchObject({ name: 'vSphere 8 SCG', controls: 1, controlsFailing: 1 });
    expect(byId.get('vsphere-8-scg')?.percentCompliant).toBe(57.1);
    expect(byId.get('disa-stig')?.percentCompliant).toBe(33.3);
    expect(byId.get('pci-dss-4.0')).toMatchObject({ percentCompliant: 100, controlsPassing: 1 });
  });

  it('refuses a stored compliance view of another shape, naming its key and field, rather than showing none', async () => {
    const store = new MemoryStore();
    await storeCompliance(store, record());
    const header = await store.getMeta<Record<string, unknown>>('compliance/latest');
    await store.putMeta('compliance/latest', { ...header, frameworks: 'none' });
    await expect(loadCompliance(store)).rejects.toThrow('stored state compliance/latest: frameworks: ');
  });

  it('stores the record through FleetStore meta in parts and reads it back whole, with the trend', async () => {
    const store = new MemoryStore();
    const many = Array.from({ length: 20_000 }, (_, i) => `vcenter-0000-1111/host-${i}`);
    const big = buildCompliance({
      at: '2026-11-04T00:00:00.000Z',
      profile: 'stig',
      rules: [rule('r.a', [scg])],
      coverage: [{ ruleId: 'r.a', resourceIds: many, unverifiedIds: many.slice(0, 5_000) }],
      findings: [],
      resources: { host: many.length, vm: 0, cluster: 0, perimeter: 0 },
    });
    await storeCompliance(store, big);
    expect((await store.listMeta<string>('compliance/latest/part/')).length).toBeGreaterThan(1);
    expect(await loadCompliance(store)).toEqual(big);
    // A smaller later record: the leftover parts of the bigger one are ignored.
    await storeCompliance(store, record());
    expect(await loadCompliance(store)).toEqual(record());
    const history = await complianceHistory(store, 10);
    expect(history.map((h) => [h.at, h.profile])).toEqual([
      ['2026-11-04T00:00:00.000Z', 'stig'],
      ['2026-11-05T00:00:00.000Z', 'scg'],
    ]);
    expect(history[1]!.rules.find((r) => r.ruleId === 'r.a')).toEqual({
      ruleId: 'r.a',
      pass: 1,
      fail: 1,
      waived: 1,
      notApplicable: 1,
      unverified: 1,
    });
    expect(await complianceHistory(store, 1)).toHaveLength(1);
  });
});
