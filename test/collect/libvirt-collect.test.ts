import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDomainXml } from '../../src/sources/libvirt/domain-xml';
import { parseNodeinfo } from '../../src/sources/libvirt/host-info';
import { parseQemuConf } from '../../src/sources/libvirt/qemu-conf';
import { XmlInputError } from '../../src/sources/libvirt/xml';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';
import { runCli } from '../support/run-cli';

const DIR = fileURLToPath(new URL('../fixtures/collect/libvirt/', import.meta.url));
const node = (file: string) => `test://${join(DIR, file)}`;
const WEB01 = 'libvirt:kvm01/4dea22b3-1d52-d8f3-2516-782e98ab3fa0';
const DB01 = 'libvirt:kvm01/0f1c3e9a-8a43-4b8e-9d0e-2a41c4d7b6e5';
const KVM_RULES = ['kvm.console-listen-tls', 'kvm.emulated-devices', 'kvm.hostdev-shared-host', 'kvm.svirt-confined'];

interface AuditDoc {
  findings: { ruleId: string; resourceId: string; status: string }[];
}
interface Inventory {
  hosts: { id: string; cpu?: unknown; memoryMiB?: number; settings?: Record<string, unknown> }[];
  vms: {
    id: string;
    name?: string;
    hostId?: string;
    powerState?: string;
    nics?: unknown;
    disks?: unknown;
    firmware?: unknown;
    tpm?: boolean;
  }[];
}

describe('hyperaudit collect libvirt (libvirt test driver)', () => {
  let dynamo: LocalDynamo;
  const cli = (...args: string[]) => runCli(...args, '--endpoint', dynamo.endpoint);
  const openKvm = async () => {
    const r = await cli('audit', '--format', 'json');
    return (JSON.parse(r.stdout) as AuditDoc).findings
      .filter((f) => f.ruleId.startsWith('kvm.') && f.resourceId === WEB01 && f.status === 'open')
      .map((f) => f.ruleId)
      .sort();
  };

  beforeAll(async () => {
    dynamo = await startLocalDynamo('hyperaudit-libvirt-');
  }, 60_000);
  afterAll(() => dynamo?.stop());

  it('collects host topology and every domain, then audit finds the exposed console, e1000, no seclabel and passthrough; the fixed XML resolves them', async () => {
    const first = await cli('collect', 'libvirt', '--connect', node('insecure-node.xml'), '--host', 'kvm01', '--json');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    // host, two domains and the connection's inventory snapshot
    expect(JSON.parse(first.stdout)).toMatchObject({
      collected: { host: 'kvm01', domains: 2 },
      accepted: 4,
      rejected: [],
    });

    const inv = JSON.parse((await cli('inventory', '--json')).stdout) as Inventory;
    expect(inv.hosts).toEqual([
      expect.objectContaining({
        id: 'libvirt:kvm01',
        cpu: { sockets: 2, coresPerSocket: 8, threadsPerCore: 2, mhz: 2600 },
        memoryMiB: 262144,
      }),
    ]);
    const web = inv.vms.find((v) => v.id === WEB01);
    expect(web).toMatchObject({
      name: 'web01',
      hostId: 'libvirt:kvm01',
      powerState: 'poweredOn',
      nics: [{ network: 'default', adapter: 'e1000' }],
      disks: [{ controller: 'ide' }],
    });
    expect(inv.vms.find((v) => v.id === DB01)).toMatchObject({
      firmware: { type: 'efi', secureBoot: true },
      tpm: true,
      disks: [{ controller: 'virtio' }],
    });

    expect(await openKvm()).toEqual(KVM_RULES);

    const second = await cli('collect', 'libvirt', '--connect', node('fixed-node.xml'), '--host', 'kvm01', '--json');
    expect(second.code).toBe(0);
    expect(await openKvm()).toEqual([]);
    const after = JSON.parse((await cli('audit', '--format', 'json')).stdout) as AuditDoc;
    expect(
      after.findings.filter((f) => f.resourceId === DB01 && f.ruleId.startsWith('kvm.') && f.status === 'open'),
    ).toEqual([]);
  }, 120_000);

  it('applies --qemu-conf to the host, rejecting its bad line by number and keeping the rest', async () => {
    const r = await cli(
      'collect',
      'libvirt',
      '--connect',
      node('fixed-node.xml'),
      '--host',
      'kvm01',
      '--qemu-conf',
      join(DIR, 'qemu.conf'),
      '--json',
    );
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as {
      rejected: { file: string; record: string }[];
      collected: { qemuConfSettings: number };
    };
    expect(doc.rejected).toEqual([expect.objectContaining({ file: join(DIR, 'qemu.conf'), record: 'line 8' })]);
    expect(doc.collected.qemuConfSettings).toBe(6);
    const inv = JSON.parse((await cli('inventory', '--json')).stdout) as Inventory;
    expect(inv.hosts[0]?.settings).toMatchObject({
      vnc_listen: '0.0.0.0',
      vnc_tls: 0,
      security_driver: 'selinux,dac',
      security_require_confined: 1,
      user: 'qemu',
    });
    const audit = JSON.parse((await cli('audit', '--format', 'json')).stdout) as AuditDoc;
    expect(audit.findings).toContainEqual(
      expect.objectContaining({ ruleId: 'kvm.vnc-listen-tls', resourceId: 'libvirt:kvm01', status: 'open' }),
    );
  }, 120_000);

  it('lines up `virsh event` lines with the collected domain by name on the same host', async () => {
    const { writeFile } = await import('node:fs/promises');
    const log = join(dynamo.dir, 'kvm01-events.log');
    // Newer than the collection, yet inside the clock-skew limit (15 min) that refuses events from the future.
    const at = new Date(Date.now() + 5 * 60_000).toISOString().replace('T', ' ').replace('Z', '+0000');
    await writeFile(log, `# host: kvm01\n${at}: event 'lifecycle' for domain 'web01': Stopped Shutdown\n`);
    expect((await cli('ingest', log)).code).toBe(0);
    const inv = JSON.parse((await cli('inventory', '--json')).stdout) as Inventory;
    expect(inv.vms.find((v) => v.id === WEB01)?.powerState).toBe('poweredOff');
    expect(inv.vms.filter((v) => v.name === 'web01')).toHaveLength(1);
  }, 120_000);

  it('drops a domain the next collection of the connection no longer lists (inventory snapshot)', async () => {
    const { readFile, writeFile } = await import('node:fs/promises');
    const xml = await readFile(join(DIR, 'fixed-node.xml'), 'utf8');
    const dbOnly = join(dynamo.dir, 'db-only-node.xml');
    await writeFile(dbOnly, xml.replace(/<domain type='test'>\s*<name>web01<\/name>[\s\S]*?<\/domain>/, ''));
    expect((await cli('collect', 'libvirt', '--connect', `test://${dbOnly}`, '--host', 'kvm01', '--json')).code).toBe(
      0,
    );
    const inv = JSON.parse((await cli('inventory', '--json')).stdout) as Inventory;
    expect(inv.vms.filter((v) => v.hostId === 'libvirt:kvm01').map((v) => v.id)).toEqual([DB01]);
  }, 120_000);

  it('reads the default test driver, and fails with the connection error for a URI libvirt cannot open', async () => {
    const ok = await cli('collect', 'libvirt', '--connect', 'test:///default', '--host', 'testhost', '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ collected: { host: 'testhost', domains: 1 } });
    const bad = await cli('collect', 'libvirt', '--connect', node('missing-node.xml'), '--host', 'x');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /virsh -c test:\/\/.*missing-node\.xml (nodeinfo|capabilities) failed: .*failed to connect to the hypervisor/,
    );
  }, 120_000);
});

describe('libvirt parsers', () => {
  it('refuses a DOCTYPE, so no entity in domain XML can expand or read a file', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><domain><name>&b;</name><uuid>4dea22b3-1d52-d8f3-2516-782e98ab3fa0</uuid></domain>`;
    expect(() => parseDomainXml(laughs, 'dumpxml x')).toThrow(XmlInputError);
    const external = `<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><domain><name>&x;</name></domain>`;
    expect(() => parseDomainXml(external, 'dumpxml x')).toThrow(/DOCTYPE/);
  });

  it('names the missing field when dumpxml is not a domain', () => {
    expect(() => parseDomainXml('<domain><name>a</name></domain>', 'virsh dumpxml a')).toThrow(
      'virsh dumpxml a: <uuid> missing or not a UUID',
    );
    expect(() => parseDomainXml('<domain', 'virsh dumpxml a')).toThrow(/virsh dumpxml a: /);
  });

  it('decodes predefined entities in names and reads listen children, sockets and spice secure mode', () => {
    const d = parseDomainXml(
      `<domain><name>a&amp;b</name><uuid>4DEA22B3-1D52-D8F3-2516-782E98AB3FA0</uuid><devices>
        <graphics type='vnc' socket='/run/vnc.sock'/><graphics type='spice' defaultMode='secure'><listen type='network' network='mgmt'/></graphics>
        <interface type='hostdev'><source><address type='pci' bus='0x3'/></source></interface><memballoon model='none'/></devices>
        <seclabel type='none'/></domain>`,
      'x',
    );
    expect(d).toMatchObject({
      name: 'a&b',
      uuid: '4dea22b3-1d52-d8f3-2516-782e98ab3fa0',
      graphics: [
        { type: 'vnc', listenType: 'socket' },
        { type: 'spice', listenType: 'network', defaultMode: 'secure' },
      ],
      nics: [{ network: 'hostdev', passthrough: true }],
      memballoon: 'none',
      securityLabels: [{ type: 'none' }],
    });
  });

  it('multiplies nodeinfo sockets by NUMA cells, and falls back to one socket when libvirt reports an unusual topology', () => {
    const text = (cells: number, sockets: number, cpus: number) =>
      `CPU model: x86_64\nCPU(s): ${cpus}\nCPU frequency: 2000 MHz\nCPU socket(s): ${sockets}\nCore(s) per socket: 8\nThread(s) per core: 2\nNUMA cell(s): ${cells}\nMemory size: 1048576 KiB\n`;
    expect(parseNodeinfo(text(2, 1, 32)).cpu).toEqual({ sockets: 2, coresPerSocket: 8, threadsPerCore: 2, mhz: 2000 });
    expect(parseNodeinfo(text(1, 1, 48)).cpu).toEqual({ sockets: 1, coresPerSocket: 24, threadsPerCore: 2, mhz: 2000 });
    expect(() => parseNodeinfo('error: nothing')).toThrow(/CPU\(s\)/);
  });

  it('parses qemu.conf strings, integers and multi-line lists, and refuses prototype keys', () => {
    const conf = parseQemuConf('a = "x # not a comment"\nb = [ "1",\n "2" ]\n__proto__ = 1\nc = yes\n');
    expect(conf.settings).toEqual({ a: 'x # not a comment', b: '1,2' });
    expect(conf.errors.map((e) => e.line)).toEqual([4, 5]);
    expect(Object.getPrototypeOf(conf.settings)).toBe(Object.prototype);
  });
});
