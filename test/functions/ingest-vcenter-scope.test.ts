import { describe, expect, it } from 'vitest';
import { cachedVcenterScopes, ingestMessage } from '../../src/app/ingest-message';
import { vebaSource } from '../../src/app/collect-vsphere';
import { SCOPE_ALIAS_PREFIX } from '../../src/sources/vsphere/checkpoint';
import { MemoryStore } from '../../src/store/memory-store';
import { encodeEnvelope } from '../../src/sources/envelope';
import { fixtureJson } from './helpers/fleet-fixture';
import { httpSqsRecord, sqsRecord } from './helpers/aws-events';
import { systemClock } from '../../src/model/ports/clock';
import { quietLogger } from '../../src/model/ports/logger';

const INSTANCE = '0a3ae4b2-5fbe-4c2d-9b3e-2f8e1d6c7a10';
const veba = fixtureJson<Record<string, unknown>>('veba-vm-powered-off.json');
const vebaFrom = (source: string) => JSON.stringify({ ...veba, source });

const ports = (store: MemoryStore) => ({ store, clock: systemClock, logger: quietLogger });

async function vmIds(store: MemoryStore): Promise<string[]> {
  return [...(await store.loadFleet()).vms.keys()];
}

describe('VEBA events through the deployed ingest, for a vCenter the collector has read', () => {
  it('scopes the MoRefs by the instanceUuid the collection recorded, as the collection itself does', async () => {
    const store = new MemoryStore();
    // What `collect vsphere --url https://10.10.10.1/sdk` records after its first collection.
    await store.putMeta(`${SCOPE_ALIAS_PREFIX}${vebaSource('https://10.10.10.1/sdk')}`, INSTANCE);
    const report = await ingestMessage(sqsRecord(vebaFrom('https://10.10.10.1/sdk')), ports(store));
    expect(report.accepted).toBeGreaterThan(0);
    const ids = await vmIds(store);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((id) => id.startsWith(`${INSTANCE}/`))).toBe(true);
  });

  it("matches VEBA's spelling of the source (default port, upper-case host) to the collected URL", async () => {
    const store = new MemoryStore();
    await store.putMeta(`${SCOPE_ALIAS_PREFIX}${vebaSource('https://10.10.10.1/sdk')}`, INSTANCE);
    const body = vebaFrom('https://10.10.10.1:443/sdk');
    await ingestMessage(
      httpSqsRecord(body, encodeEnvelope({ contentType: 'application/cloudevents+json', ce: {} })),
      ports(store),
    );
    expect((await vmIds(store)).every((id) => id.startsWith(`${INSTANCE}/`))).toBe(true);
  });

  it('keeps bare MoRefs for a vCenter never collected, and a source naming an Object.prototype key is not a scope', async () => {
    const store = new MemoryStore();
    await store.putMeta(`${SCOPE_ALIAS_PREFIX}${vebaSource('https://vc-other.example/sdk')}`, INSTANCE);
    await ingestMessage(sqsRecord(vebaFrom('https://10.10.10.1/sdk')), ports(store));
    await ingestMessage(sqsRecord(JSON.stringify({ ...veba, id: 'other-id', source: 'constructor' })), ports(store));
    const ids = await vmIds(store);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.some((id) => id.includes('/'))).toBe(false);
  });

  it('re-reads the collected vCenters once the cached lookup is older than its age limit, not per message', async () => {
    const store = new MemoryStore();
    let reads = 0;
    const listMeta = store.listMeta.bind(store);
    store.listMeta = (async (prefix: string) => {
      reads += 1;
      return listMeta(prefix);
    }) as typeof store.listMeta;
    let now = 0;
    const lookup = cachedVcenterScopes(store, 60_000, { now: () => new Date(now) });
    expect(await lookup()).toEqual({});
    await store.putMeta(`${SCOPE_ALIAS_PREFIX}${vebaSource('https://10.10.10.1/sdk')}`, INSTANCE);
    now = 59_999;
    expect(await lookup()).toEqual({});
    now = 60_000;
    expect(await lookup()).toEqual({ 'https://10.10.10.1/sdk': INSTANCE });
    expect(reads).toBe(2);
  });
});
