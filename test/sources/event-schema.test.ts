import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { FleetEventSchema, FLEET_EVENT_TYPES } from '../../src/model/event';
import { EVENT_SCHEMA_PATH, eventJsonSchema } from '../../src/sources/write-event-schema';
import { collect, eventsOf, fixture } from './helpers';

describe('docs/events.schema.json', () => {
  it('is the schema generated from the zod model (run `npx tsx src/sources/write-event-schema.ts` after model changes)', () => {
    expect(readFileSync(EVENT_SCHEMA_PATH, 'utf8')).toBe(eventJsonSchema());
  });

  it('accepts what the normalisers produce and refuses what they reject, so external producers can validate alone', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: false });
    ajv.addFormat('date-time', true);
    const validate = ajv.compile(JSON.parse(readFileSync(EVENT_SCHEMA_PATH, 'utf8')) as object);
    const events = eventsOf(
      await collect([
        fixture('vcenter/govmomi-events.ndjson'),
        fixture('canonical'),
        fixture('proxmox/cluster-resources.json'),
      ]),
    );
    expect(events.length).toBeGreaterThan(10);
    for (const e of events) expect(validate(e), JSON.stringify(validate.errors)).toBe(true);
    expect(
      validate({
        id: 'x',
        time: '2024-01-01T00:00:00Z',
        type: 'vm.migrate',
        migrate: { vmId: 'v', toHostId: 'h', kind: 'teleport' },
      }),
    ).toBe(false);
    expect(validate({ id: 'x', time: 'yesterday', type: 'vm.power_on', vm: { id: 'v' } })).toBe(false);
  });

  it('documents every event type in docs/events.md with an example that validates', () => {
    const doc = readFileSync(new URL('../../docs/events.md', import.meta.url), 'utf8');
    const examples = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as unknown);
    for (const e of examples) expect(FleetEventSchema.safeParse(e).error?.issues).toBeUndefined();
    const shown = new Set(examples.map((e) => (e as { type: string }).type));
    const named = FLEET_EVENT_TYPES.filter((t) => shown.has(t) || doc.includes(`\`${t}\``));
    expect(named).toEqual(FLEET_EVENT_TYPES);
  });
});
