import { fixedClock } from '../../src/model/ports/clock';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../src/app/audit';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import type { FleetEvent } from '../../src/model/event';
import type { Finding } from '../../src/model/finding';
import { readSources } from '../../src/sources/read-sources';
import { MemoryStore } from '../../src/store/memory-store';

// Issue 15 item 9, leftover: Hyper-V settings and emulatedDeviceCount say what was not reported and how to get it.
const rules = loadRules(DEFAULT_RULES_DIR).filter((r) => r.id.startsWith('hyperv.') || r.id === 'kvm.emulated-devices');
const hyperv = (file: string) => `test/fixtures/sources/hyperv/${file}`;

async function ingest(store: MemoryStore, files: string[]): Promise<void> {
  const events: FleetEvent[] = [];
  for await (const o of readSources(files, { source: 'hyperv' })) if (o.kind === 'event') events.push(o.event);
  expect(events.length).toBeGreaterThan(0);
  await store.putEvents(events);
}
const byRule = (findings: readonly Finding[], ruleId: string) => findings.filter((f) => f.ruleId === ruleId);

describe('unverified Hyper-V settings name the cmdlet that reports them', () => {
  it('Get-VM alone leaves secure boot and the vTPM unverified, pointing at Get-VMFirmware and Get-VMSecurity', async () => {
    const store = new MemoryStore();
    await ingest(store, [hyperv('vmhost.ps51.json'), hyperv('vm.ps51.json')]);
    const r = await runAudit({ store, clock: fixedClock('2030-01-01T00:00:00Z') }, { rules });
    const secureBoot = byRule(r.findings, 'hyperv.vm-secure-boot');
    const vtpm = byRule(r.findings, 'hyperv.vm-vtpm');
    expect(secureBoot.length).toBeGreaterThan(0);
    for (const f of secureBoot) {
      expect(f.status).toBe('unverified');
      expect(f.verify?.collect.join(' ')).toContain('Get-VMFirmware');
    }
    for (const f of vtpm) {
      expect(f.status).toBe('unverified');
      expect(f.verify?.collect.join(' ')).toContain('Get-VMSecurity');
    }
    // Guest Service Interface defaults to off: no finding, but not verified either.
    const gsi = r.coverage.find((c) => c.ruleId === 'hyperv.vm-guest-service-interface');
    expect(gsi?.unverifiedIds?.length ?? 0).toBeGreaterThan(0);
  });

  it('the firmware and security exports turn them into observed results', async () => {
    const store = new MemoryStore();
    await ingest(store, [
      hyperv('vmhost.ps51.json'),
      hyperv('vm.ps51.json'),
      hyperv('vmfirmware.json'),
      hyperv('vmsecurity.json'),
      hyperv('vmintegrationservice.json'),
    ]);
    const r = await runAudit({ store, clock: fixedClock('2030-01-01T00:00:00Z') }, { rules });
    for (const id of ['hyperv.vm-secure-boot', 'hyperv.vm-vtpm'])
      for (const f of byRule(r.findings, id).filter((x) => x.resourceId.length > 0))
        expect(f.verify?.missing ?? [], `${id} ${f.resourceId}`).not.toEqual(
          expect.arrayContaining([expect.stringMatching(/SecureBoot|TpmEnabled/)]),
        );
    expect(r.coverage.find((c) => c.ruleId === 'hyperv.vm-guest-service-interface')?.unverifiedIds ?? []).toEqual([]);
  });
});

describe('emulatedDeviceCount is unverified when the devices were not reported', () => {
  const at = '2026-11-01T00:00:00Z';
  const host: FleetEvent = {
    id: 'h',
    time: at,
    type: 'host.upsert',
    host: { id: 'pve-1', hypervisor: { vendor: 'proxmox' } },
  };
  const vm = (id: string, body: Record<string, unknown>): FleetEvent =>
    ({ id: `e-${id}`, time: at, type: 'vm.upsert', vm: { id, hostId: 'pve-1', ...body } }) as FleetEvent;

  it('fails what was seen, passes what was seen whole, and leaves a VM without a device list unverified', async () => {
    const store = new MemoryStore();
    await store.putEvents([
      host,
      vm('vm-listed-only', {}),
      vm('vm-e1000', { nics: [{ network: 'vmbr0', adapter: 'e1000' }] }),
      vm('vm-virtio', { nics: [{ network: 'vmbr0', adapter: 'virtio' }], disks: [{ controller: 'virtio' }] }),
      vm('vm-nics-only', { nics: [{ network: 'vmbr0', adapter: 'virtio' }] }),
    ]);
    const r = await runAudit({ store, clock: fixedClock('2026-11-02T00:00:00Z') }, { rules });
    const emulated = byRule(r.findings, 'kvm.emulated-devices');
    expect(emulated.map((f) => [f.resourceId, f.status])).toEqual([['vm-e1000', 'open']]);
    const coverage = r.coverage.find((c) => c.ruleId === 'kvm.emulated-devices');
    expect([...(coverage?.unverifiedIds ?? [])].sort()).toEqual(['vm-listed-only', 'vm-nics-only']);
    expect(r.compliance?.rules.find((x) => x.ruleId === 'kvm.emulated-devices')).toMatchObject({
      fail: 1,
      pass: 1,
      unverified: 2,
    });
  });
});
