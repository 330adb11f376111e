import { describe, expect, it } from 'vitest';
import { growthEvents } from '../../bench/lib/growth-fleet';
import { runAudit } from '../../src/app/audit';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import { FleetEventSchema } from '../../src/model/event';
import { fixedClock } from '../../src/model/ports/clock';
import { MemoryStore } from '../../src/store/memory-store';

async function audit(layout: 'sparse' | 'configured') {
  const store = new MemoryStore();
  await store.putEvents(growthEvents(1000, layout));
  const rules = loadRules(DEFAULT_RULES_DIR, { profile: 'scg' });
  return runAudit({ store, clock: fixedClock('2026-12-02T00:00:00.000Z') }, { rules, full: true });
}

describe('bench/growth fleet layouts', () => {
  it('keeps the sparse fleet of earlier rounds byte for byte (stored fleets and their figures stay comparable)', () => {
    const events = growthEvents(1000, 'sparse');
    expect(events.length).toBe(1050);
    expect(JSON.stringify(events[0])).toBe(
      '{"id":"growth-host-0","time":"2026-12-01T00:00:00Z","type":"host.upsert","host":{"id":"host-0","name":"esx-0.growth.example","cluster":"cluster-0","datacenter":"dc-1","hypervisor":{"vendor":"vmware","version":"8.0.3","build":"24674464"},"cpu":{"sockets":2,"coresPerSocket":16,"threadsPerCore":2,"mhz":2600},"memoryMiB":524288,"services":{"TSM-SSH":{"running":true,"policy":"on"}},"settings":{"Security.AccountLockFailures":0}}}',
    );
    expect(JSON.stringify(events[50])).toBe(
      '{"id":"growth-vm-0","time":"2026-12-01T00:00:00Z","type":"vm.upsert","vm":{"id":"vm-0","name":"app0-0","hostId":"host-0","vcpus":2,"memoryMiB":4096,"powerState":"poweredOn","labels":{"app":"app0","role":"web"},"settings":{"isolation.tools.copy.disable":"FALSE"},"workload":{"cpuAvgPct":10,"cpuPeakPct":50,"peakHourUtc":0}}}',
    );
  });

  it('gives a configured fleet of valid events whose unverified findings are what the vSphere API cannot report', async () => {
    for (const e of growthEvents(1000, 'configured')) expect(FleetEventSchema.safeParse(e).success).toBe(true);
    const [sparse, configured] = [await audit('sparse'), await audit('configured')];
    const unverified = (r: typeof sparse) => r.findings.filter((f) => f.status === 'unverified');
    expect(unverified(sparse).length).toBe(7300);
    expect(configured.findings.length).toBe(1497);
    expect(unverified(configured).length).toBe(605);
    // Only legacy VMs (one in ten) lack vmx keys; hosts lack only what esxcli alone reports (and attestation).
    const vms = new Set(
      unverified(configured)
        .filter((f) => f.resourceType === 'vm')
        .map((f) => f.resourceId),
    );
    expect([...vms].every((id) => Number(id.slice(3)) % 10 === 0)).toBe(true);
    const hostRules = new Set(
      unverified(configured)
        .filter((f) => f.resourceType === 'host')
        .map((f) => f.ruleId),
    );
    expect([...hostRules].sort()).toEqual([
      'esxi.audit-log-persistent',
      'esxi.dcui-shell-access',
      'esxi.logs-persistent',
      'esxi.secure-boot',
      'esxi.secure-boot-enforcement',
      'esxi.tls-profile',
      'esxi.tpm',
    ]);
    // Non-compliant values at fixed strides: open findings on hosts and VMs alike.
    expect(configured.findings.some((f) => f.status === 'open' && f.ruleId === 'esxi.account-lockout')).toBe(true);
    expect(configured.findings.some((f) => f.status === 'open' && f.ruleId === 'vm.encrypted-vmotion')).toBe(true);
  });
});
