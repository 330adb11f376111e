import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FleetEventSchema, type FleetEvent } from '../../src/model/event';
import { fleetToJson } from '../../src/model/fleet';
import { collect, eventsOf, fleetOf } from './helpers';
import { SHARED_DATA } from '../support/shared-data';

const SHARED = SHARED_DATA;
const ROOTS = [join(SHARED, 'events'), join(SHARED, 'inventory')];

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? filesUnder(p) : name.startsWith('.') || name.endsWith('.md') ? [] : [p];
    });
}

function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe.skipIf(!existsSync(SHARED))('every public sample in ../shared/data', () => {
  it('is accepted, ignored with a reason, or rejected with a reason; each file says something', async () => {
    const out = await collect(ROOTS);
    const seen = new Set(out.map((o) => o.file));
    for (const file of ROOTS.flatMap(filesUnder)) expect(seen, file).toContain(file);
    for (const o of out) {
      if (o.kind === 'event') expect(FleetEventSchema.safeParse(o.event).success).toBe(true);
      else expect(o.reason, `${o.file} ${o.record ?? ''}`).toMatch(/\S/);
    }
    const rejectedFiles = [
      ...new Set(out.filter((o) => o.kind === 'rejected').map((o) => o.file.replace(`${SHARED}/`, ''))),
    ].sort();
    // The samples that are broken on purpose upstream (invalid fixtures of VEBA and govmomi tests): nothing else
    // may be refused. An EventBridge event of another AWS service found in a directory is no supported format,
    // so it is ignored with that reason (issue 15 item 14).
    const ignoredEventBridge = out.find((o) => o.file.endsWith('tests/events/eventBridgeEvent.json'));
    expect(ignoredEventBridge).toMatchObject({ kind: 'ignored', reason: expect.stringMatching(/no supported format/) });
    expect(rejectedFiles).toEqual([
      'events/vcenter/veba_go_tagging_event2.json',
      'events/vcenter/veba_go_tagging_eventErr1.json',
      'events/vcenter/vminfo-invalid-type-name-value.json',
    ]);
  });

  it('gives the same inventory when ingested twice or in shuffled file order', async () => {
    const first = eventsOf(await collect(ROOTS));
    const second = eventsOf(await collect([...ROOTS].reverse()));
    expect(new Set(second.map((e) => e.id))).toEqual(new Set(first.map((e) => e.id)));
    const inventory = (events: FleetEvent[]) => JSON.stringify(fleetToJson(fleetOf(events)));
    const once = inventory(first);
    expect(inventory([...first, ...second])).toBe(once);
    expect(inventory(shuffled(first, 7))).toBe(once);
    expect(inventory(shuffled([...first, ...first], 11))).toBe(once);
  });
});
