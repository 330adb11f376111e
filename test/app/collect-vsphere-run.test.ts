import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectVsphereRun } from '../../src/app/collect-vsphere-run';
import type { VsphereCredentials, VsphereSecretProvider } from '../../src/app/vsphere-secret-provider';
import { loadVcenterScopes, readCheckpoint } from '../../src/sources/vsphere/checkpoint';
import { MemoryStore } from '../../src/store/memory-store';
import { startVcsim, vcsimUnavailable, type Vcsim } from '../support/vcsim';

const INPUT = { eventWindowHours: 24, timeoutMs: 30_000 };

/** A provider that counts its reads, as a rotating secret would be read once per run. */
function countingSecret(credentials: () => VsphereCredentials): VsphereSecretProvider & { reads: number } {
  const provider = {
    reads: 0,
    read: async () => {
      provider.reads++;
      return credentials();
    },
  };
  return provider;
}

describe('collectVsphereRun without a vCenter', () => {
  it('fails with the secret error before any connection, and stores nothing', async () => {
    const store = new MemoryStore();
    const secrets: VsphereSecretProvider = {
      read: async () => {
        throw new Error('secret hyperaudit/vsphere is not JSON');
      },
    };
    await expect(
      collectVsphereRun({ store, secrets }, { ...INPUT, url: 'https://vcenter.invalid/sdk' }),
    ).rejects.toThrow('secret hyperaudit/vsphere is not JSON');
    expect(await loadVcenterScopes(store)).toEqual({});
  });
});

describe.skipIf(vcsimUnavailable() !== undefined)('collectVsphereRun against vcsim', () => {
  let vc: Vcsim;
  let caPem: string;
  beforeAll(async () => {
    vc = await startVcsim();
    caPem = readFileSync(vc.certFile, 'utf8');
  });
  afterAll(async () => {
    await vc?.stop();
  });

  it('collects with the credentials the secret holds, reads it on every run, and returns counts, never the secret', async () => {
    const store = new MemoryStore();
    const secrets = countingSecret(() => ({ username: vc.username, password: vc.password, caPem }));
    const first = await collectVsphereRun({ store, secrets }, { ...INPUT, url: vc.url });
    expect(first).toMatchObject({ objects: 13, duplicates: 0, rejected: 0 });
    expect(first.stored).toBeGreaterThanOrEqual(13);
    expect(JSON.stringify(first)).not.toContain(vc.password);
    expect(await readCheckpoint(store, first.instanceUuid)).toBeDefined();
    const fleet = await store.loadFleet();
    expect(fleet.hosts.size + fleet.vms.size).toBe(13);

    const again = await collectVsphereRun({ store, secrets }, { ...INPUT, url: vc.url });
    expect(again).toMatchObject({ objects: 13, stored: 0, removed: 0 });
    expect(again.duplicates).toBeGreaterThanOrEqual(13);
    expect(secrets.reads).toBe(2);
  });

  it('throws on a wrong password and moves no checkpoint', async () => {
    const store = new MemoryStore();
    const secrets = countingSecret(() => ({ username: vc.username, password: `${vc.password}-wrong`, caPem }));
    const failed = collectVsphereRun({ store, secrets }, { ...INPUT, url: vc.url });
    await expect(failed).rejects.toThrow();
    await failed.catch((err: unknown) => expect(String(err)).not.toContain(vc.password));
    expect(await loadVcenterScopes(store)).toEqual({});
    expect((await store.loadFleet()).hosts.size).toBe(0);
  });
});
