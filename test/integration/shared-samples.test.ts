import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetToJson } from '../../src/model/fleet';
import { ingestOutcomes } from '../../src/app/ingest';
import { readSources } from '../../src/sources/read-sources';
import type { SourceOutcome } from '../../src/sources/types';
import { shuffled } from '../reliability/history';
import { LocalStores } from './local-store';
import { SHARED_DATA } from '../support/shared-data';

const shared = [join(SHARED_DATA, 'events'), join(SHARED_DATA, 'inventory')];
const present = shared.every((p) => existsSync(p));

describe.skipIf(!present)('every shared sample (../shared/data)', () => {
  let stores: LocalStores;
  const outcomes: SourceOutcome[] = [];
  beforeAll(async () => {
    stores = await LocalStores.start();
    for await (const o of readSources(shared)) outcomes.push(o);
  });
  afterAll(() => stores?.stop());

  it('is accepted, ignored or rejected with a reason; twice or shuffled gives the same inventory', async () => {
    const inOrder = await stores.open();
    const first = await ingestOutcomes(inOrder, outcomes);
    expect(first.accepted + first.duplicates + first.ignoredCount + first.rejectedCount).toBe(outcomes.length);
    for (const r of [...first.ignored, ...first.rejected]) expect(r.reason.length).toBeGreaterThan(0);
    const again = await ingestOutcomes(inOrder, outcomes);
    expect(again.accepted).toBe(0);
    expect(again.duplicates).toBe(first.accepted + first.duplicates);
    const expected = fleetToJson(await inOrder.loadFleet());

    const mixed = await stores.open();
    await ingestOutcomes(mixed, shuffled(outcomes, 2024), { batchSize: 5 });
    expect(fleetToJson(await mixed.loadFleet())).toEqual(expected);
  });
});
