/**
 * Writes docs/events.schema.json from the canonical zod schema, so the published JSON Schema can never drift
 * from what ingest validates. Run: `npx tsx src/sources/write-event-schema.ts` (test/sources/event-schema.test.ts
 * fails when the committed file is stale).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { FleetEventSchema } from '../model/event';

export const EVENT_SCHEMA_PATH = fileURLToPath(new URL('../../docs/events.schema.json', import.meta.url));

export function eventJsonSchema(): string {
  const schema = z.toJSONSchema(FleetEventSchema, { target: 'draft-2020-12' });
  const withMeta = {
    title: 'hyperaudit FleetEvent',
    description:
      'One canonical inventory event. Generated from src/model/event.ts by src/sources/write-event-schema.ts; do not edit.',
    ...schema,
  };
  return `${JSON.stringify(withMeta, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(EVENT_SCHEMA_PATH, eventJsonSchema());
  process.stdout.write(`wrote ${EVENT_SCHEMA_PATH}\n`);
}
