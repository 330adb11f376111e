import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli';

/** A host with SSH on: a high finding under every profile. */
const events = [
  {
    id: 'h1',
    time: '2026-11-01T08:00:00.123456Z',
    type: 'host.upsert',
    host: {
      id: 'vc1/host-1',
      name: 'esx01',
      cluster: 'c1',
      hypervisor: { vendor: 'vmware', build: '24585383' },
      services: { 'TSM-SSH': { running: true, policy: 'on' } },
    },
  },
];

describe('report and notify without a current audit (issue 15 item 8)', () => {
  let dir: string;
  let store: string[];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hyperaudit-no-audit-'));
    store = ['--data-dir', join(dir, 'store')];
    await writeFile(join(dir, 'events.ndjson'), `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('audits before reporting, and stamps the report with the audit time, profile, rule pack and newest event', async () => {
    expect((await runCli('ingest', join(dir, 'events.ndjson'), ...store)).code).toBe(0);
    const report = await runCli('report', '--out', join(dir, 'r1'), ...store);
    expect(report.code).toBe(0);
    expect(report.stderr).toContain('no audit was stored: audited now (profile scg)');
    expect(report.stdout).not.toContain('open findings: none');
    expect(report.stdout).toMatch(/open findings: \d+ high/);
    expect(report.stdout).toMatch(
      /audit \S+, profile scg, rules-[0-9a-f]{12}, newest event 2026-11-01T08:00:00.123456Z/,
    );
    const html = await readFile(join(dir, 'r1', 'report.html'), 'utf8');
    expect(html).toMatch(
      /<p id="audit-stamp">Audit \S+ · profile scg · rule pack rules-[0-9a-f]{12} · newest event 2026-11-01T08:00:00.123456Z<\/p>/,
    );
    const data = JSON.parse(await readFile(join(dir, 'r1', 'report.json'), 'utf8')) as { audit: unknown };
    expect(data.audit).toMatchObject({ profile: 'scg', newestEventAt: '2026-11-01T08:00:00.123456Z' });
  }, 180_000);

  it('does not audit again while the fleet is unchanged, and stamps the digest', async () => {
    const dry = await runCli('notify', '--dry-run', '--min-severity', 'high', ...store);
    expect(dry.code).toBe(0);
    expect(dry.stderr).not.toContain('audited now');
    expect(dry.stdout).toMatch(/profile scg, rules-[0-9a-f]{12}, newest event 2026-11-01T08:00:00.123456Z/);
    expect(dry.stdout).toMatch(/[1-9]\d* new (findings?, )?0 resolved/);
    expect(dry.stdout).toContain('esxi.ssh-disabled');
  }, 180_000);

  it('audits again once newer events were ingested', async () => {
    const later = { ...events[0], id: 'h2', time: '2026-11-02T08:00:00Z', host: { id: 'vc1/host-1', name: 'esx01b' } };
    await writeFile(join(dir, 'later.ndjson'), `${JSON.stringify(later)}\n`);
    expect((await runCli('ingest', join(dir, 'later.ndjson'), ...store)).code).toBe(0);
    const dry = await runCli('notify', '--dry-run', ...store);
    expect(dry.stderr).toContain('the fleet changed since the last audit: audited now');
    expect(dry.stdout).toContain('newest event 2026-11-02T08:00:00Z');
  }, 180_000);
});
