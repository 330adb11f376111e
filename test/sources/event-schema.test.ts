import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
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
    const events = eventsOf(await collect([fixture('vcenter/govmomi-events.ndjson'), fixture('canonical'), fixture('proxmox/cluster-resources.json')]));
    expect(events.length).toBeGreaterThan(10);
    for (const e of events) expect(validate(e), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ id: 'x', time: '2024-01-01T00:00:00Z', type: 'vm.migrate', migrate: { vmId: 'v', toHostId: 'h', kind: 'teleport' } })).toBe(false);
    expect(validate({ id: 'x', time: 'yesterday', type: 'vm.power_on', vm: { id: 'v' } })).toBe(false);
  });
});
