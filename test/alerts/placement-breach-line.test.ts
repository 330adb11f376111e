import { fixedClock } from '../../src/model/ports/clock';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../src/app/audit';
import { breachEvidenceLine } from '../../src/alerts/breach-evidence';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import type { FleetEvent } from '../../src/model/event';
import { MemoryStore } from '../../src/store/memory-store';

const rules = loadRules(DEFAULT_RULES_DIR).filter((r) =>
  ['perimeter.clone-outside-source', 'perimeter.vm-placement-outside'].includes(r.id),
);
const t = (n: number) => new Date(Date.UTC(2026, 10, 1, 8, n)).toISOString();
const fleet: FleetEvent[] = [
  { id: 'p', time: t(0), type: 'perimeter.upsert', perimeter: { id: 'pci', allowedClusters: ['c-pci'] } },
  { id: 'h-pci', time: t(0), type: 'host.upsert', host: { id: 'esx-pci-1', cluster: 'c-pci', datacenter: 'dc1' } },
  { id: 'h-gen', time: t(0), type: 'host.upsert', host: { id: 'esx-gen-1', cluster: 'c-gen', datacenter: 'dc1' } },
  { id: 'v', time: t(1), type: 'vm.upsert', vm: { id: 'vm-pay', hostId: 'esx-pci-1', perimeter: 'pci' } },
];

async function lines(events: FleetEvent[]): Promise<Map<string, string | undefined>> {
  const store = new MemoryStore();
  await store.putEvents(events);
  const result = await runAudit({ store, clock: fixedClock('2026-11-02T00:00:00.000Z') }, { rules });
  return new Map(result.findings.map((f) => [f.ruleId, breachEvidenceLine(f.resourceId, f.evidence)]));
}

describe('a placement breach says how the VM got where it is (issue 16, Slack evidence line)', () => {
  it('names the clone event, its time and where the clone landed', async () => {
    const clone: FleetEvent = {
      id: 'evt-clone-9',
      time: t(5),
      type: 'vm.clone',
      clone: { sourceVmId: 'vm-pay', vm: { id: 'vm-pay-copy', hostId: 'esx-gen-1' } },
    };
    const line = (await lines([...fleet, clone])).get('perimeter.clone-outside-source');
    expect(line).toMatch(/^vm-pay-copy: clone from .+ to esx-gen-1 at 2026-11-01T08:05:00.000Z, event evt-clone-9/);
    expect(line).toContain('outside its perimeter');
  });

  it('names the move that put a VM outside its perimeter', async () => {
    const move: FleetEvent = {
      id: 'evt-move-3',
      time: t(7),
      type: 'vm.migrate',
      migrate: { vmId: 'vm-pay', fromHostId: 'esx-pci-1', toHostId: 'esx-gen-1', kind: 'live' },
    };
    const line = (await lines([...fleet, move])).get('perimeter.vm-placement-outside');
    expect(line).toMatch(
      /^vm-pay: live from esx-pci-1 to esx-gen-1 at 2026-11-01T08:07:00.000Z, event evt-move-3; placed on .*outside its perimeter$/,
    );
  });

  it('still says where the VM is when no event placed it there (inventory only)', async () => {
    const placed: FleetEvent = {
      id: 'v2',
      time: t(2),
      type: 'vm.upsert',
      vm: { id: 'vm-stray', hostId: 'esx-gen-1', perimeter: 'pci' },
    };
    const line = (await lines([...fleet, placed])).get('perimeter.vm-placement-outside');
    expect(line).toMatch(/^vm-stray: placed on .*, outside its perimeter$/);
  });
});
