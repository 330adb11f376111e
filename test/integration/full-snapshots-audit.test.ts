import { fixedClock } from '../../src/model/ports/clock';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import type { Finding } from '../../src/model/finding';
import { runAudit } from '../../src/app/audit';
import { ingestOutcomes } from '../../src/app/ingest';
import { readSources } from '../../src/sources/read-sources';
import { LocalStores } from './local-store';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'snapshots');
const rules = loadRules(DEFAULT_RULES_DIR);
const WATCHED = [
  'esxi.ssh-disabled|esx-1',
  'vm.isolation-copy-disable|vm-1',
  'vm.pci-passthrough|vm-1',
  'vm.isolation-copy-disable|vm-2',
];
const key = (f: Finding) => `${f.ruleId}|${f.resourceId}`;

let stores: LocalStores;
beforeAll(async () => {
  stores = await LocalStores.start();
});
afterAll(() => stores.stop());

describe('two full collections of a vCenter (dynalite store, shipped rules)', () => {
  it('reflects a deleted VMX key, an uninstalled service, a removed NIC and a deleted VM in inventory and findings', async () => {
    const store = await stores.open();
    const first = await ingestOutcomes(store, readSources([join(FIXTURES, 'collection-1.ndjson')]));
    expect(first).toMatchObject({ accepted: 4, rejected: [] });
    const before = await runAudit({ store, clock: fixedClock('2026-11-01T09:00:00.000Z') }, { rules });
    const open = new Set(before.findings.map(key));
    for (const k of WATCHED) expect(open).toContain(k);

    const second = await ingestOutcomes(store, readSources([join(FIXTURES, 'collection-2.ndjson')]));
    const fleet = await store.loadFleet();
    expect(fleet.vms.get('vm-1')?.settings).toEqual({ 'tools.setInfo.sizeLimit': 1048576 });
    expect(fleet.vms.get('vm-1')?.nics).toEqual([{ network: 'prod-web', adapter: 'vmxnet3' }]);
    expect(fleet.hosts.get('esx-1')?.services).toEqual({ ntpd: { running: true, policy: 'on' } });
    expect(fleet.vms.has('vm-2')).toBe(false);

    // As the deployed evaluate function runs it: incremental on what the ingest touched. The inventory snapshot
    // can remove any VM of its scope, so the evaluation is full and vm-2 (not touched itself) is evaluated.
    const after = await runAudit(
      { store, clock: fixedClock('2026-11-02T09:00:00.000Z') },
      { rules, scope: second.subjects },
    );
    expect(after.mode).toBe('full');
    const stillOpen = new Set(after.findings.map(key));
    for (const k of WATCHED) expect(stillOpen).not.toContain(k);
    const resolved = new Map(after.resolved.map((f) => [key(f), f]));
    for (const k of WATCHED) expect(resolved.get(k)?.status).toBe('resolved');
    // Each resolution cites the snapshot that made it go.
    expect(resolved.get('vm.isolation-copy-disable|vm-2')?.resolvedBy).toEqual({
      eventId: 'c2-inventory',
      time: '2026-11-02T08:00:00Z',
      effect: 'removed',
    });
    expect(resolved.get('esxi.ssh-disabled|esx-1')?.resolvedBy).toEqual({
      eventId: 'c2-host',
      time: '2026-11-02T08:00:00Z',
      effect: 'replaced',
    });
    expect(resolved.get('vm.pci-passthrough|vm-1')?.resolvedBy).toEqual({
      eventId: 'c2-vm-1',
      time: '2026-11-02T08:00:00Z',
      effect: 'replaced',
    });
    const stored = (await store.listFindings()).find((f) => key(f) === 'vm.isolation-copy-disable|vm-2');
    expect(stored?.resolvedBy?.eventId).toBe('c2-inventory');
  });

  it('changes nothing when the older collection is ingested again after the newer one', async () => {
    const store = await stores.open();
    await ingestOutcomes(store, readSources([join(FIXTURES, 'collection-2.ndjson')]));
    const newer = await store.loadFleet();
    await ingestOutcomes(store, readSources([join(FIXTURES, 'collection-1.ndjson')]));
    const both = await store.loadFleet();
    expect([...both.vms.keys()]).toEqual([...newer.vms.keys()]);
    expect(both.vms.get('vm-1')).toEqual(newer.vms.get('vm-1'));
    expect(both.hosts.get('esx-1')).toEqual(newer.hosts.get('esx-1'));
  });
});
