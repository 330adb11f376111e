import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FleetEventSchema } from '../../src/model/event';
import { parseWaiverText, waiverEnd } from '../../src/engine/waivers';
import { normaliseRecord } from '../../src/sources/index';
import type { SourceOutcome } from '../../src/sources/types';

const root = join(import.meta.dirname, '..', '..');
const samples = join(root, 'samples');
const readLines = (file: string) => readFileSync(file, 'utf8').trim().split('\n');
const listFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? listFiles(join(dir, d.name)).map((f) => join(d.name, f)) : [d.name],
  );

describe('the committed sample fleet', () => {
  const out = mkdtempSync(join(tmpdir(), 'hyperaudit-samples-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('is exactly what samples/generate.ts produces', () => {
    execFileSync(process.execPath, ['--import', 'tsx', join(samples, 'generate.ts'), '--out', out], {
      cwd: root,
      stdio: 'pipe',
    });
    for (const dir of ['fleet', 'sources']) {
      const files = listFiles(join(samples, dir)).sort();
      expect(listFiles(join(out, dir)).sort()).toEqual(files);
      for (const f of files)
        expect(readFileSync(join(out, dir, f), 'utf8'), `${dir}/${f}`).toBe(
          readFileSync(join(samples, dir, f), 'utf8'),
        );
    }
  });

  it('holds only valid canonical events with unique ids, and a sizable fleet', () => {
    const ids = new Set<string>();
    const types = new Map<string, number>();
    let hosts = 0;
    let vms = 0;
    for (const name of ['perimeters', 'hosts', 'vms', 'history']) {
      for (const [i, line] of readLines(join(samples, 'fleet', `${name}.ndjson`)).entries()) {
        const parsed = FleetEventSchema.safeParse(JSON.parse(line));
        expect(parsed.success, `${name}.ndjson line ${i + 1}`).toBe(true);
        if (!parsed.success) continue;
        expect(ids.has(parsed.data.id)).toBe(false);
        ids.add(parsed.data.id);
        types.set(parsed.data.type, (types.get(parsed.data.type) ?? 0) + 1);
        if (name === 'hosts') hosts++;
        if (name === 'vms') vms++;
      }
    }
    expect(hosts).toBeGreaterThanOrEqual(50);
    expect(vms).toBeGreaterThanOrEqual(900);
    for (const t of [
      'vm.clone',
      'vm.migrate',
      'host.maintenance_enter',
      'host.maintenance_exit',
      'host.connection_lost',
      'vm.remove',
    ]) {
      expect(types.get(t) ?? 0, t).toBeGreaterThan(0);
    }
  });

  it('covers four hypervisors and several datacenters', () => {
    const vendors = new Set<string>();
    const datacenters = new Set<string>();
    for (const line of readLines(join(samples, 'fleet', 'hosts.ndjson'))) {
      const e = JSON.parse(line) as { host: { hypervisor?: { vendor: string }; datacenter?: string } };
      if (e.host.hypervisor) vendors.add(e.host.hypervisor.vendor);
      if (e.host.datacenter) datacenters.add(e.host.datacenter);
    }
    expect([...vendors].sort()).toEqual(['hyperv', 'kvm', 'proxmox', 'vmware']);
    expect(datacenters.size).toBeGreaterThanOrEqual(3);
  });

  it('has every referenced trace in samples/traces, each 288 samples', () => {
    const traces = new Set<string>();
    for (const name of ['vms', 'history']) {
      for (const line of readLines(join(samples, 'fleet', `${name}.ndjson`))) {
        const trace = (JSON.parse(line) as { vm?: { workload?: { trace?: string } } }).vm?.workload?.trace;
        if (trace) traces.add(trace);
      }
    }
    expect(traces.size).toBeGreaterThanOrEqual(100);
    for (const t of traces) {
      const values = readLines(join(samples, 'traces', t)).map(Number);
      expect(values.length, t).toBe(288);
      expect(
        values.every((v) => v >= 0 && v <= 100),
        t,
      ).toBe(true);
    }
  });

  it('normalises the source-format files with no rejection', () => {
    const outcomes: SourceOutcome[] = [];
    const veba = JSON.parse(readFileSync(join(samples, 'sources', 'vcenter', 'veba-batch.json'), 'utf8')) as unknown[];
    for (const [i, v] of veba.entries())
      outcomes.push(...normaliseRecord(v, { file: 'veba-batch.json', record: `record ${i}` }));
    for (const [i, l] of readLines(join(samples, 'sources', 'nova', 'notifications.ndjson')).entries())
      outcomes.push(...normaliseRecord(JSON.parse(l), { file: 'notifications.ndjson', record: `line ${i + 1}` }));
    const proxmox = JSON.parse(
      readFileSync(join(samples, 'sources', 'proxmox', 'fra-pve-cluster-resources.json'), 'utf8'),
    );
    outcomes.push(...normaliseRecord(proxmox, { file: 'fra-pve-cluster-resources.json' }));
    expect(outcomes.filter((o) => o.kind === 'rejected')).toEqual([]);
    const bySource = new Map<string, number>();
    for (const o of outcomes) if (o.kind === 'event') bySource.set(o.source, (bySource.get(o.source) ?? 0) + 1);
    expect(bySource.get('vcenter')).toBeGreaterThanOrEqual(8);
    expect(bySource.get('nova')).toBeGreaterThanOrEqual(4);
    expect(bySource.get('proxmox')).toBeGreaterThanOrEqual(80);
  });

  it('documents every planted problem in samples/README.md', () => {
    const readme = readFileSync(join(samples, 'README.md'), 'utf8');
    const summary = JSON.parse(readFileSync(join(samples, 'fleet', 'summary.json'), 'utf8')) as {
      planted: Record<string, unknown>;
    };
    for (const [key, value] of Object.entries(summary.planted)) {
      for (const id of (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string')) {
        expect(readme.includes(id), `${key}: ${id}`).toBe(true);
      }
    }
  });

  it('ships a valid waivers file with one current and one expired waiver', () => {
    const waivers = parseWaiverText(readFileSync(join(samples, 'waivers.json'), 'utf8'), 'samples/waivers.json');
    const now = Date.now();
    expect(waivers.some((w) => waiverEnd(w) > now)).toBe(true);
    expect(waivers.some((w) => waiverEnd(w) <= now)).toBe(true);
  });
});
