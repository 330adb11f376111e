import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';
import { runCli as cli } from '../support/run-cli';

const SOURCES = join(import.meta.dirname, '..', 'fixtures', 'sources');
interface IngestJson {
  accepted: number;
  duplicates: number;
  ignored: unknown[];
  rejected: unknown[];
  bySource: Record<string, { accepted: number }>;
}
interface AuditJson {
  findings: { ruleId: string; resourceId: string; status: string }[];
}

describe('hyperaudit ingest of exports, then audit', () => {
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    dynamo = await startLocalDynamo('hyperaudit-exports-');
  }, 60_000);
  afterAll(() => dynamo?.stop());

  it('opens esxi.ssh-disabled for the host whose SSH service PowerCLI exported as running, and only for it', async () => {
    const ingest = await cli(
      'ingest',
      join(SOURCES, 'powercli', 'vmhostservice.json'),
      '--endpoint',
      dynamo.endpoint,
      '--json',
    );
    expect(ingest.code).toBe(0);
    const report = JSON.parse(ingest.stdout) as IngestJson;
    expect(report).toMatchObject({
      accepted: 2,
      rejected: [],
      bySource: { powercli: expect.objectContaining({ accepted: 2 }) },
    });
    const audit = await cli('audit', '--endpoint', dynamo.endpoint, '--format', 'json');
    const ssh = (JSON.parse(audit.stdout) as AuditJson).findings.filter(
      (f) => f.ruleId === 'esxi.ssh-disabled' && f.status === 'open',
    );
    expect(ssh.map((f) => f.resourceId)).toEqual(['vc01.lab.local/host-21']);
  });

  it('stores nothing new when the same exports are ingested again (every event a duplicate)', async () => {
    const paths = [join(SOURCES, 'powercli'), join(SOURCES, 'hyperv')];
    const first = JSON.parse(
      (await cli('ingest', ...paths, '--scope', 'vc01.lab.local', '--endpoint', dynamo.endpoint, '--json')).stdout,
    ) as IngestJson;
    expect(first.rejected).toEqual([]);
    expect(first.accepted).toBeGreaterThan(0);
    const again = JSON.parse(
      (await cli('ingest', ...paths, '--scope', 'vc01.lab.local', '--endpoint', dynamo.endpoint, '--json')).stdout,
    ) as IngestJson;
    expect(again).toMatchObject({ accepted: 0, rejected: [] });
    expect(again.duplicates).toBe(first.accepted + first.duplicates);
  });

  it('audits the Hyper-V export with the Hyper-V pack: secure boot off, no vTPM, guest services on, enhanced session on', async () => {
    const audit = JSON.parse(
      (await cli('audit', '--endpoint', dynamo.endpoint, '--format', 'json')).stdout,
    ) as AuditJson;
    const open = audit.findings
      .filter((f) => f.ruleId.startsWith('hyperv.') && f.status === 'open')
      .map((f) => [f.ruleId, f.resourceId]);
    const web01 = 'vc01.lab.local/0b8e5ba8-6f6b-4c1a-9d0e-2f3c5a7d9e11';
    expect(open.sort()).toEqual(
      [
        ['hyperv.host-enhanced-session-mode', 'vc01.lab.local/hv01'],
        ['hyperv.vm-guest-service-interface', web01],
        ['hyperv.vm-secure-boot', web01],
        ['hyperv.vm-vtpm', web01],
      ].sort(),
    );
  });

  it('ingests real govc output captured from vcsim with --scope and --host, with zero rejections', async () => {
    const govc = join(SOURCES, 'govc');
    const objects = await cli(
      'ingest',
      join(govc, 'object-collect-hosts.json'),
      join(govc, 'object-collect-vms.json'),
      '--scope',
      'vc02.lab.local',
      '--endpoint',
      dynamo.endpoint,
      '--json',
    );
    const lists = await cli(
      'ingest',
      join(govc, 'host-option-ls.DC0_C0_H0.json'),
      join(govc, 'host-service-ls.DC0_C0_H0.json'),
      '--scope',
      'vc02.lab.local',
      '--host',
      'host-34',
      '--endpoint',
      dynamo.endpoint,
      '--json',
    );
    expect(JSON.parse(objects.stdout)).toMatchObject({ accepted: 7, rejected: [] });
    expect(JSON.parse(lists.stdout)).toMatchObject({ accepted: 2, rejected: [] });
    const audit = JSON.parse(
      (await cli('audit', '--endpoint', dynamo.endpoint, '--format', 'json')).stdout,
    ) as AuditJson;
    expect(audit.findings).toContainEqual(
      expect.objectContaining({ ruleId: 'esxi.ssh-disabled', resourceId: 'vc02.lab.local/host-34', status: 'open' }),
    );
    expect(audit.findings).toContainEqual(
      expect.objectContaining({
        ruleId: 'vm.isolation-copy-disable',
        resourceId: 'vc02.lab.local/vm-48',
        status: 'open',
      }),
    );
  });
});
