import { fixedClock } from '../../src/model/ports/clock';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../src/app/audit';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import type { FleetEvent } from '../../src/model/event';
import type { Finding } from '../../src/model/finding';
import { normaliseRecord } from '../../src/sources/index';
import { readSources } from '../../src/sources/read-sources';
import { MemoryStore } from '../../src/store/memory-store';

// Issue 15 item 12: "powered off for longer than N days", dated only by the event that powered the VM off.
const RULE = 'sprawl.powered-off-long';
const rules = loadRules(DEFAULT_RULES_DIR).filter((r) => r.id === RULE);
const fixture = (path: string) => `test/fixtures/sources/${path}`;
const find = (findings: readonly Finding[], resourceId: string) =>
  findings.find((f) => f.ruleId === RULE && f.resourceId === resourceId);
const days = (iso: string, n: number) => new Date(Date.parse(iso) + n * 86_400_000).toISOString();

/** The events a real source record normalises to. */
function eventsOf(path: string): FleetEvent[] {
  return normaliseRecord(JSON.parse(readFileSync(fixture(path), 'utf8')), { file: path }).flatMap((o) =>
    o.kind === 'event' ? [o.event] : [],
  );
}

const upsert = (id: string, time: string, vm: Record<string, unknown>): FleetEvent =>
  ({ id, time, type: 'vm.upsert', vm }) as FleetEvent;

describe('sprawl.powered-off-long: powered off for longer than maxDays', () => {
  it('dates the spell by a real vCenter VmPoweredOffEvent (VEBA) and fails only once it is older than 30 days', async () => {
    const [off] = eventsOf('vcenter/veba_knative_python_kn-py-echo_testevent.json');
    expect(off?.type).toBe('vm.power_off');
    const vmId = off!.type === 'vm.power_off' ? off!.vm.id : '';
    const store = new MemoryStore();
    // A later inventory snapshot says "off" again; it must not move the date.
    await store.putEvents([off!, upsert('snap', days(off!.time, 5), { id: vmId, powerState: 'poweredOff' })]);

    const early = await runAudit({ store, clock: fixedClock(days(off!.time, 10)) }, { rules });
    expect(find(early.findings, vmId)).toBeUndefined();
    expect(early.coverage.find((c) => c.ruleId === RULE)?.unverifiedIds ?? []).not.toContain(vmId);

    const late = await runAudit({ store, clock: fixedClock(days(off!.time, 45)) }, { rules });
    const finding = find(late.findings, vmId);
    expect(finding?.status).toBe('open');
    // The date, not a day count: evidence that changed every day would rewrite the finding at every audit.
    expect(finding?.evidence).toMatchObject({ poweredOffSince: off!.time });
    expect(finding?.evidence).not.toHaveProperty('poweredOffDays');
    expect(finding?.remediation).toContain('in force: 30');
  });

  it('dates libvirt `Stopped` and Nova `power_off.end` the same way', async () => {
    const store = new MemoryStore();
    const libvirt: FleetEvent[] = [];
    for await (const o of readSources([fixture('libvirt/kvm01-events.log')]))
      if (o.kind === 'event') libvirt.push(o.event);
    const nova = eventsOf('nova/instance-power_off-end.json');
    await store.putEvents([...libvirt, ...nova]);
    const novaVm = nova[0]!.type === 'vm.power_off' ? nova[0]!.vm.id : '';
    const r = await runAudit({ store, clock: fixedClock('2024-12-01T00:00:00Z') }, { rules });
    // web01 stopped at 12:00:01 after being resumed at 11:06: off since the stop, not since the snapshot-free start.
    expect(find(r.findings, 'libvirt:kvm01/name:web01')?.evidence).toMatchObject({
      poweredOffSince: '2024-09-01T12:00:01.000+00:00',
      lastSeenRunning: '2024-09-01T11:06:00.000+00:00',
    });
    expect(find(r.findings, novaVm)?.evidence.poweredOffSince).toBe('2012-10-29T13:42:11Z');
    // db01 is suspended, not off.
    expect(find(r.findings, 'libvirt:kvm01/name:db01')).toBeUndefined();
  });

  it('is unverified, with the event to collect, when only a snapshot says "off"', async () => {
    const store = new MemoryStore();
    await store.putEvents([
      {
        id: 'h',
        time: '2026-01-01T00:00:00Z',
        type: 'host.upsert',
        host: { id: 'esx-01', hypervisor: { vendor: 'vmware' } },
      },
      upsert('s1', '2026-01-01T00:00:00Z', { id: 'vm-snap', hostId: 'esx-01', powerState: 'poweredOff' }),
    ]);
    const r = await runAudit({ store, clock: fixedClock('2026-06-01T00:00:00Z') }, { rules });
    const finding = find(r.findings, 'vm-snap');
    expect(finding?.status).toBe('unverified');
    expect(finding?.verify?.collect.join(' ')).toContain('VmPoweredOffEvent');
    expect(finding?.evidence.poweredOffSince).toBeNull();
    expect(r.compliance?.rules.find((x) => x.ruleId === RULE)).toMatchObject({ fail: 0, unverified: 1 });
  });

  it('passes an undated spell that cannot be longer than maxDays: the VM was seen running since', async () => {
    const store = new MemoryStore();
    await store.putEvents([
      upsert('on', '2026-01-01T00:00:00Z', { id: 'vm-1', powerState: 'poweredOn' }),
      upsert('off', '2026-01-02T00:00:00Z', { id: 'vm-1', powerState: 'poweredOff' }),
    ]);
    const soon = await runAudit({ store, clock: fixedClock('2026-01-20T00:00:00Z') }, { rules });
    expect(find(soon.findings, 'vm-1')).toBeUndefined();
    expect(soon.compliance?.rules.find((x) => x.ruleId === RULE)).toMatchObject({ pass: 1, unverified: 0 });
    // 40 days after it was last seen running, it may or may not have been off for 30: unverified.
    const later = await runAudit({ store, clock: fixedClock('2026-02-10T00:00:00Z') }, { rules });
    expect(find(later.findings, 'vm-1')?.status).toBe('unverified');
  });

  it('resolves when the VM is powered on, and a --params maxDays is the threshold and the text', async () => {
    const store = new MemoryStore();
    await store.putEvents([{ id: 'off', time: '2026-01-01T00:00:00Z', type: 'vm.power_off', vm: { id: 'vm-1' } }]);
    const strict = loadRules(DEFAULT_RULES_DIR, { paramOverrides: { [RULE]: { maxDays: 7 } } }).filter(
      (r) => r.id === RULE,
    );
    const r = await runAudit({ store, clock: fixedClock('2026-01-10T00:00:00Z') }, { rules: strict });
    expect(find(r.findings, 'vm-1')?.remediation).toContain('in force: 7');
    await store.putEvents([{ id: 'on', time: '2026-01-11T00:00:00Z', type: 'vm.power_on', vm: { id: 'vm-1' } }]);
    const after = await runAudit({ store, clock: fixedClock('2026-01-12T00:00:00Z') }, { rules: strict });
    expect(find(after.findings, 'vm-1')).toBeUndefined();
    expect(after.resolved.map((f) => f.resourceId)).toContain('vm-1');
  });
});
