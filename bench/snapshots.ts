/**
 * `npx tsx bench/snapshots.ts [vms] [inventories]`: materialising a fleet whose VMs belong to one vCenter scope
 * with N daily inventory snapshots stored (default 50,000 VMs, 30 inventories, each missing 1% of the VMs),
 * against materialising the same entity states with no inventory, measured in the same run.
 */
import type { FleetEvent } from '../src/model/event';
import { foldEvents, type EntityState } from '../src/model/entity-state';
import { materialiseFleet } from '../src/model/fleet';

const VMS = Number(process.argv[2] ?? 50_000);
const INVENTORIES = Number(process.argv[3] ?? 30);
const scope = { source: 'vcenter', instance: 'vc01.lab' };
const day = (d: number) => new Date(Date.UTC(2026, 0, 1 + d)).toISOString();

const upserts: FleetEvent[] = Array.from({ length: VMS }, (_, i) => ({
  id: `u${i}`,
  time: day(0),
  type: 'vm.upsert',
  scope,
  complete: { fields: ['name', 'settings'] },
  vm: { id: `vm-${i}`, name: `vm-${i}`, settings: { 'isolation.tools.copy.disable': true } },
}));
const inventories: FleetEvent[] = [];
for (let d = 1; d <= INVENTORIES; d++) {
  // Each day's inventory misses a different 1% of the VMs; split in parts as emitters do.
  const ids = Array.from({ length: VMS }, (_, i) => `vm-${i}`).filter((_, i) => (i + d) % 100 !== 0);
  const count = Math.ceil(ids.length / 5000);
  for (let p = 0; p < count; p++) {
    inventories.push({
      id: `inv-${d}-${p}`,
      time: day(d),
      type: 'inventory.snapshot',
      snapshot: { scope, vms: ids.slice(p * 5000, (p + 1) * 5000), part: { index: p + 1, count } },
    });
  }
}

const clone = (states: Map<string, EntityState>) => [...states.values()].map((s) => structuredClone(s));
const withInventories = foldEvents([...upserts, ...inventories]);
const without = foldEvents(upserts);

function median(run: () => void, rounds = 5): number {
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(rounds / 2)]!;
}

let live = 0;
const baseline = median(() => {
  materialiseFleet(clone(without));
});
const measured = median(() => {
  live = materialiseFleet(clone(withInventories)).vms.size;
});
process.stdout.write(
  `${VMS} VMs, ${INVENTORIES} inventories (${inventories.length} parts): materialise ${measured.toFixed(0)} ms, ` +
    `${baseline.toFixed(0)} ms without inventories (same states, same run): ratio ${(measured / baseline).toFixed(2)}; ${live} VMs live\n`,
);
