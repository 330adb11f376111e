import { readFileSync } from 'node:fs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseVsphereSecret } from '../../functions/collect-vsphere/vsphere-secret';
import { startVcsim, vcsimUnavailable, type Vcsim } from '../support/vcsim';
import { captureOutput } from './helpers/capture-output';
import { lambdaContext } from './helpers/lambda-context';
import { startLocalTable, stopLocalTable, useLocalTableEnv, type LocalTable } from './helpers/local-table';

const SECRET_ID = 'hyperaudit/vsphere';
const unavailable = vcsimUnavailable();

describe('the vSphere collector secret', () => {
  it('refuses a secret that is not {username, password, caPem?} naming the field, never its content', () => {
    expect(parseVsphereSecret(SECRET_ID, JSON.stringify({ username: 'a', password: 'p4ss' })).username).toBe('a');
    const notJson = (() => parseVsphereSecret(SECRET_ID, 'hunter2-s3cr3t')) as () => unknown;
    expect(notJson).toThrow(/secret hyperaudit\/vsphere is not JSON/);
    expect(notJson).not.toThrow(/s3cr3t/);
    const missing = () => parseVsphereSecret(SECRET_ID, JSON.stringify({ username: 'a', pasword: 's3cr3t' }));
    expect(missing).toThrow(/check password/);
    expect(missing).not.toThrow(/s3cr3t/);
  });
});

describe.skipIf(unavailable !== undefined)('collect-vsphere handler against vcsim', () => {
  const secrets = mockClient(SecretsManagerClient);
  let vc: Vcsim;
  let table: LocalTable;

  beforeAll(async () => {
    [vc, table] = await Promise.all([startVcsim(), startLocalTable()]);
    useLocalTableEnv(table);
    process.env.VSPHERE_URL = vc.url;
    process.env.VSPHERE_SECRET_ID = SECRET_ID;
  });
  afterAll(async () => {
    secrets.restore();
    await Promise.all([vc?.stop(), stopLocalTable(table)]);
  });

  it('collects the vCenter into the table with credentials from Secrets Manager and logs counts, not secrets', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: SECRET_ID }).resolves({
      SecretString: JSON.stringify({
        username: vc.username,
        password: vc.password,
        caPem: readFileSync(vc.certFile, 'utf8'),
      }),
    });
    const { handler } = await import('../../functions/collect-vsphere/index');
    const { result, output } = await captureOutput(() =>
      handler({ trigger: 'schedule' }, lambdaContext('collect-vsphere')),
    );
    expect(result).toMatchObject({ objects: 13, duplicates: 0, rejected: 0 });
    expect(result!.stored).toBeGreaterThanOrEqual(13);
    const fleet = await table.store.loadFleet();
    expect(fleet.hosts.size + fleet.vms.size).toBe(13);
    expect(output).toContain('vSphere collection done');
    expect(output).not.toContain(vc.password);
    const again = await handler({ trigger: 'schedule' }, lambdaContext('collect-vsphere'));
    expect(again.stored).toBe(0);
  });
});

describe('collect-vsphere handler input', () => {
  it("refuses an event that is not the schedule's input, naming the field, before reading any secret", async () => {
    // Set only when the vcsim test above did not run: the handler reads its environment once, at import.
    process.env.TABLE_NAME ??= 'hyperaudit-input-test';
    process.env.VSPHERE_URL ??= 'https://vcenter.invalid/sdk';
    process.env.VSPHERE_SECRET_ID ??= SECRET_ID;
    const { handler } = await import('../../functions/collect-vsphere/index');
    for (const [event, message] of [
      [{}, /^collect-vsphere input: trigger: /],
      [{ trigger: 'deploy' }, /^collect-vsphere input: trigger: /],
      [null, /^collect-vsphere input: input: /],
    ] as const) {
      const { error } = await captureOutput(() => handler(event, lambdaContext('collect-vsphere')));
      expect((error as Error).message).toMatch(message);
    }
  });
});
