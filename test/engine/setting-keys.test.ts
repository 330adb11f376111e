import { fixedClock } from '../../src/model/ports/clock';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../src/app/audit';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import type { FleetEvent } from '../../src/model/event';
import { MemoryStore } from '../../src/store/memory-store';

const rules = loadRules(DEFAULT_RULES_DIR);
const t = (n: number) => new Date(Date.UTC(2026, 10, 1, 8, n)).toISOString();
const host: FleetEvent = {
  id: 'h1',
  time: t(0),
  type: 'host.upsert',
  host: { id: 'vc1/host-1', cluster: 'c1', hypervisor: { vendor: 'vmware', build: '24585383' } },
};
const copySetting = (id: string, minute: number, key: string, value: string): FleetEvent => ({
  id,
  time: t(minute),
  type: 'vm.upsert',
  vm: { id: 'vc1/vm-1', name: 'web01', hostId: 'vc1/host-1', settings: { [key]: value } },
});

async function copyFindingOpen(events: FleetEvent[]): Promise<boolean> {
  const store = new MemoryStore();
  await store.putEvents([host, ...events]);
  const result = await runAudit({ store, clock: fixedClock('2026-11-02T00:00:00.000Z') }, { rules });
  return result.findings.some((f) => f.ruleId === 'vm.isolation-copy-disable' && f.resourceId === 'vc1/vm-1');
}

describe('Setting keys compare case-insensitively (issue 15 item 3)', () => {
  it('fails a VM whose vmx spells the key in its documented mixed case with FALSE', async () => {
    expect(await copyFindingOpen([copySetting('v1', 1, 'Isolation.Tools.Copy.Disable', 'FALSE')])).toBe(true);
  });

  it('passes the same VM with TRUE in any spelling', async () => {
    expect(await copyFindingOpen([copySetting('v1', 1, 'ISOLATION.TOOLS.COPY.DISABLE', 'TRUE')])).toBe(false);
  });

  it('finds a key spelt in another case among many settings (a looked-up map) as among a few (a walk)', async () => {
    const many = (value: string): FleetEvent => {
      const settings: Record<string, string> = { 'Isolation.Tools.Copy.Disable': value };
      for (let i = 0; i < 40; i++) settings[`guestinfo.key${i}`] = String(i);
      return {
        id: 'v1',
        time: t(1),
        type: 'vm.upsert',
        vm: { id: 'vc1/vm-1', name: 'web01', hostId: 'vc1/host-1', settings },
      };
    };
    expect(await copyFindingOpen([many('FALSE')])).toBe(true);
    expect(await copyFindingOpen([many('TRUE')])).toBe(false);
    expect(await copyFindingOpen([copySetting('v1', 1, 'iSolation.tools.copy.disablE', 'FALSE')])).toBe(true);
  });

  it('takes the newer write when two spellings disagree, in either arrival order', async () => {
    const olderFalse = copySetting('v1', 1, 'isolation.tools.copy.disable', 'FALSE');
    const newerTrue = copySetting('v2', 2, 'Isolation.Tools.Copy.Disable', 'TRUE');
    expect(await copyFindingOpen([olderFalse, newerTrue])).toBe(false);
    expect(await copyFindingOpen([newerTrue, olderFalse])).toBe(false);
    const olderTrue = copySetting('v1', 1, 'Isolation.Tools.Copy.Disable', 'TRUE');
    const newerFalse = copySetting('v2', 2, 'isolation.tools.copy.disable', 'FALSE');
    expect(await copyFindingOpen([newerFalse, olderTrue])).toBe(true);
  });
});
