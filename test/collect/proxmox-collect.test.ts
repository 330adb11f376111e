import { systemClock } from '../../src/model/ports/clock';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import { runAudit } from '../../src/app/audit';
import { parseNodeStatus } from '../../src/sources/proxmox/node-status';
import { parseQemuConfig } from '../../src/sources/proxmox/qemu-config';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';
import { runCli } from '../support/run-cli';

const DIR = fileURLToPath(new URL('../fixtures/collect/proxmox/', import.meta.url));
const fixture = (name: string) => readFileSync(join(DIR, name), 'utf8');
const TOKEN_ID = 'auditor@pve!hyperaudit';
const SECRET = '0b2a7c4e-5d1f-4e8a-9c3b-7f6e5d4c3b2a';

const ROUTES: Record<string, string> = {
  '/api2/json/cluster/status': 'cluster-status.json',
  '/api2/json/cluster/resources': 'cluster-resources.json',
  '/api2/json/nodes/node1/status': 'node1-status.json',
  '/api2/json/nodes/node2/status': 'node2-status.json',
  '/api2/json/nodes/node3/status': 'node3-status.json',
  '/api2/json/nodes/node4/status': 'node4-status.json',
  '/api2/json/nodes/node2/qemu/100/config': 'qemu-100-config.json',
  '/api2/json/nodes/node1/qemu/101/config': 'qemu-101-config.json',
  '/api2/json/nodes/node1/qemu/102/config': 'qemu-102-config.json',
};

interface Inventory {
  hosts: {
    id: string;
    name?: string;
    cluster?: string;
    cpu?: unknown;
    memoryMiB?: number;
    cpuModel?: string;
    hypervisor?: unknown;
  }[];
  vms: { id: string; hostId?: string; disks?: unknown; hostDevices?: unknown; nics?: unknown; guestAgent?: boolean }[];
}

describe('hyperaudit collect proxmox (local HTTPS server answering with published PVE responses)', () => {
  let dynamo: LocalDynamo;
  let server: Server;
  let url: string;
  let caFile: string;
  let secretFile: string;
  const cli = (...args: string[]) => runCli(...args, '--endpoint', dynamo.endpoint);
  const collect = (...extra: string[]) =>
    cli(
      'collect',
      'proxmox',
      '--url',
      url,
      '--token-id',
      TOKEN_ID,
      '--token-secret-file',
      secretFile,
      '--json',
      ...extra,
    );

  beforeAll(async () => {
    dynamo = await startLocalDynamo('hyperaudit-proxmox-');
    const key = join(dynamo.dir, 'key.pem');
    caFile = join(dynamo.dir, 'cert.pem');
    // A self-signed certificate for 127.0.0.1 stands in for a cluster's pve-root-ca.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        key,
        '-out',
        caFile,
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    secretFile = join(dynamo.dir, 'token-secret');
    writeFileSync(secretFile, `${SECRET}\n`);
    server = createServer({ key: readFileSync(key), cert: readFileSync(caFile) }, (req, res) => {
      if (req.headers.authorization !== `PVEAPIToken=${TOKEN_ID}=${SECRET}`) {
        res.writeHead(401, 'invalid token value!', { 'content-type': 'application/json' }).end('{"data":null}');
        return;
      }
      const file = ROUTES[req.url ?? ''];
      if (file === undefined) {
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"data": null}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(fixture(file));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await dynamo?.stop();
  });

  it('gives a Proxmox-only fleet CPU topology, scoped by cluster, so vCPU:core and N+1 rules apply', async () => {
    const r = await collect('--ca-file', caFile);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout) as { collected: unknown; rejected: { record: string; reason: string }[] };
    expect(doc.collected).toEqual({ cluster: 'clustername', nodes: 2, guests: 3, failures: 3 });
    // qemu/200 answers 500 and two node answers lack cpuinfo.mhz: each is named, and everything else is kept.
    expect(doc.rejected).toEqual([
      expect.objectContaining({ record: '/nodes/node1/qemu/200/config', reason: expect.stringContaining('HTTP 500') }),
      expect.objectContaining({
        record: '/nodes/node3/status',
        reason: expect.stringContaining('field data.cpuinfo.mhz'),
      }),
      expect.objectContaining({
        record: '/nodes/node4/status',
        reason: expect.stringContaining('field data.cpuinfo.mhz'),
      }),
    ]);
    expect(r.code).toBe(1);

    const inv = JSON.parse((await cli('inventory', '--json')).stdout) as Inventory;
    const host = (n: string) => inv.hosts.find((h) => h.id === `pve:clustername/node/${n}`);
    expect(host('node1')).toMatchObject({
      name: 'node1',
      cluster: 'clustername',
      cpu: { sockets: 1, coresPerSocket: 4, threadsPerCore: 2, mhz: 3400 },
      cpuModel: 'Intel(R) Core(TM) i7-6700 CPU @ 3.40GHz',
      hypervisor: { vendor: 'proxmox', version: '7.4-16' },
    });
    // PVE 5 gives no core count: every logical CPU counts as a core, threads unknown.
    expect(host('node2')?.cpu).toEqual({ sockets: 2, coresPerSocket: 8, mhz: 2395 });
    expect(host('node4')).toMatchObject({ cluster: 'clustername', memoryMiB: 15880 });
    expect(inv.vms.find((v) => v.id === 'pve:clustername/qemu/100')).toMatchObject({
      hostId: 'pve:clustername/node/node2',
      nics: [{ network: 'vmbr0', adapter: 'virtio' }],
    });
    expect(inv.vms.find((v) => v.id === 'pve:clustername/qemu/101')).toMatchObject({
      disks: [{ controller: 'ide' }, { controller: 'sata' }, { controller: 'scsi' }, { controller: 'virtio' }],
      hostDevices: [
        { type: 'pci', address: '0000:01:00.0' },
        { type: 'usb', address: '1234:5678' },
      ],
    });

    const audit = await runAudit({ store: dynamo.store, clock: systemClock }, { rules: loadRules(DEFAULT_RULES_DIR) });
    const covered = (rule: string) => audit.coverage.find((c) => c.ruleId === rule)?.resourceIds ?? [];
    expect(covered('consolidation.vcpu-ratio-warn')).toEqual(
      expect.arrayContaining(['pve:clustername/node/node1', 'pve:clustername/node/node2']),
    );
    expect(covered('consolidation.cluster-n-plus-one')).toContain('clustername');
    expect(audit.findings).toContainEqual(
      expect.objectContaining({
        ruleId: 'kvm.emulated-devices',
        resourceId: 'pve:clustername/qemu/101',
        status: 'open',
      }),
    );
  }, 120_000);

  it('refuses an untrusted certificate unless --ca-file names its CA or --insecure is given by name', async () => {
    const untrusted = await collect();
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toMatch(/TLS certificate not trusted .*--ca-file/);
    expect((await collect('--insecure')).code).toBe(1); // 1: qemu/200 still fails; the rest was read
    expect((await collect('--insecure', '--ca-file', caFile)).code).toBe(2);
  }, 120_000);

  it('stops on a refused token with the reason, and never takes the secret from a flag', async () => {
    writeFileSync(join(dynamo.dir, 'wrong'), 'not-the-secret');
    const refused = await cli(
      'collect',
      'proxmox',
      '--url',
      url,
      '--token-id',
      TOKEN_ID,
      '--token-secret-file',
      join(dynamo.dir, 'wrong'),
      '--ca-file',
      caFile,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/401 invalid token value!: the API token was refused/);
    expect((await cli('collect', 'proxmox', '--url', url, '--token-id', TOKEN_ID, '--token-secret', SECRET)).code).toBe(
      2,
    );
    expect(
      (await cli('collect', 'proxmox', '--url', url, '--token-id', 'root', '--token-secret-file', secretFile)).stderr,
    ).toMatch(/user@realm!tokenname/);
  }, 120_000);

  it('takes the secret from PROXMOX_TOKEN_SECRET when no file is given', async () => {
    process.env.PROXMOX_TOKEN_SECRET = SECRET;
    try {
      const r = await cli('collect', 'proxmox', '--url', url, '--token-id', TOKEN_ID, '--ca-file', caFile, '--json');
      expect(JSON.parse(r.stdout)).toMatchObject({ collected: { nodes: 2 } });
    } finally {
      delete process.env.PROXMOX_TOKEN_SECRET;
    }
  }, 120_000);
});

describe('Proxmox parsers', () => {
  it('reads NIC model, bridge and firewall, skips CD-ROMs, and reads agent, args, TPM and secure boot', () => {
    const c = parseQemuConfig({
      net0: 'e1000=BC:24:11:AA:BB:DD,bridge=vmbr1,firewall=1',
      ide2: 'local:iso/debian.iso,media=cdrom,size=600M',
      sata0: 'none,media=cdrom',
      scsi0: 'local-lvm:vm-100-disk-0,iothread=1,size=32G',
      agent: 'enabled=1,fstrim_cloned_disks=1',
      args: '-cpu host,+vmx',
      bios: 'ovmf',
      efidisk0: 'local-lvm:vm-100-disk-1,efitype=4m,pre-enrolled-keys=1,size=4M',
      tpmstate0: 'local-lvm:vm-100-disk-2,size=4M,version=v2.0',
      sockets: 2,
      cores: '4',
    });
    expect(c).toMatchObject({
      vcpus: 8,
      nics: [{ network: 'vmbr1', adapter: 'e1000', firewall: true }],
      disks: [{ controller: 'scsi' }],
      agent: true,
      args: '-cpu host,+vmx',
      firewall: true,
      tpm: true,
      firmware: { type: 'efi', secureBoot: true },
    });
  });

  it('names the field when a node status has no usable CPU info', () => {
    expect(() => parseNodeStatus({ cpuinfo: { cpus: 'many', mhz: '2000' } })).toThrow(
      expect.objectContaining({ field: 'data.cpuinfo.cpus' }),
    );
    expect(() => parseNodeStatus([])).toThrow(/not an object/);
  });
});
