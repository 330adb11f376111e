import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SAMPLES } from './planted';
import { startSlackLikeServer, type SlackLikeServer } from '../support/slack-like-server';

const ROOT = join(import.meta.dirname, '..', '..');
const TOKEN = 'e2e-serve-token-7f3a9c21b4d8';
const LIMIT = 1536 * 1024;

interface Reply {
  status: number;
  text: string;
  json: () => Record<string, unknown>;
}

interface ReportFinding {
  ruleId: string;
  resourceId: string;
  status: string;
}

/**
 * `hyperaudit serve` as a user runs it: a child process with the real embedded DynamoDB server, posting
 * the sample fleet in the formats senders use, through the deployed handlers' code, with Slack on a local
 * server that answers like Slack.
 */
describe('hyperaudit serve', () => {
  const work = mkdtempSync(join(tmpdir(), 'hyperaudit-serve-e2e-'));
  let slack: SlackLikeServer;
  let child: ChildProcess;
  let url = '';
  let stderr = '';

  const send = async (
    path: string,
    init: { method?: string; body?: string; headers?: Record<string, string>; token?: string | null } = {},
  ): Promise<Reply> => {
    const headers: Record<string, string> = { ...init.headers };
    const token = init.token === undefined ? TOKEN : init.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${url}${path}`, {
      method: init.method ?? 'GET',
      headers,
      ...(init.body !== undefined && { body: init.body }),
    });
    const text = await res.text();
    return { status: res.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
  };
  const post = (body: string, contentType: string, extra: Record<string, string> = {}, token?: string | null) =>
    send('/events', {
      method: 'POST',
      body,
      headers: { 'content-type': contentType, ...extra },
      ...(token !== undefined && { token }),
    });
  const reportFindings = async (): Promise<ReportFinding[]> => {
    const res = await send('/report');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/^<!doctype html>/i);
    return (
      JSON.parse(readFileSync(join(work, 'data', 'serve-report', 'report.json'), 'utf8')) as {
        findings: ReportFinding[];
      }
    ).findings;
  };
  const has = (findings: ReportFinding[], ruleId: string, resourceId: string) =>
    findings.some((f) => f.ruleId === ruleId && f.resourceId === resourceId && f.status === 'open');

  beforeAll(async () => {
    slack = await startSlackLikeServer();
    child = spawn(
      process.execPath,
      [
        join(ROOT, 'bin', 'hyperaudit.js'),
        'serve',
        '--port',
        '0',
        '--data-dir',
        join(work, 'data'),
        '--max-body-bytes',
        String(LIMIT),
        '--min-severity',
        'high',
      ],
      {
        cwd: ROOT,
        env: { ...process.env, HYPERAUDIT_TOKEN: TOKEN, SLACK_WEBHOOK_URL: slack.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString('utf8');
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
    });
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await slack?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('answers /healthz', async () => {
    expect((await send('/healthz', { token: null })).status).toBe(200);
  });

  it('refuses events without the bearer token, or with a wrong one (401)', async () => {
    expect((await post('{}', 'application/json', {}, null)).status).toBe(401);
    expect((await post('{}', 'application/json', {}, 'wrong-token-wrong-token')).status).toBe(401);
    expect((await send('/report', { token: null })).status).toBe(401);
  });

  it('refuses a body over the limit (413)', async () => {
    expect((await post('x'.repeat(LIMIT + 1), 'application/x-ndjson')).status).toBe(413);
  });

  it('ingests the canonical sample fleet as NDJSON and evaluates it', async () => {
    for (const name of ['perimeters', 'hosts', 'vms', 'history']) {
      const res = await post(readFileSync(join(SAMPLES, 'fleet', `${name}.ndjson`), 'utf8'), 'application/x-ndjson');
      expect(res.status, `${name}: ${res.text.slice(0, 300)}`).toBe(202);
      const body = res.json();
      expect(body.rejected).toEqual([]);
      expect(body.accepted).toBeGreaterThan(0);
      expect((body.evaluation as { subjects: number }).subjects).toBeGreaterThan(0);
    }
    const findings = await reportFindings();
    expect(has(findings, 'esxi.ssh-disabled', 'host-1098')).toBe(true);
    expect(has(findings, 'perimeter.migration-crossed', 'vm-2006')).toBe(true);
  });

  it('ingests a VEBA CloudEvents batch, Nova notifications and a Proxmox dump', async () => {
    const veba = await post(
      readFileSync(join(SAMPLES, 'sources', 'vcenter', 'veba-batch.json'), 'utf8'),
      'application/cloudevents-batch+json',
    );
    expect(veba.status).toBe(202);
    expect(veba.json().accepted).toBe(9);
    const nova = await post(
      readFileSync(join(SAMPLES, 'sources', 'nova', 'notifications.ndjson'), 'utf8'),
      'application/x-ndjson',
    );
    expect(nova.status).toBe(202);
    expect(nova.json().accepted).toBeGreaterThanOrEqual(4);
    const proxmox = await post(
      readFileSync(join(SAMPLES, 'sources', 'proxmox', 'fra-pve-cluster-resources.json'), 'utf8'),
      'application/json',
    );
    expect(proxmox.status).toBe(202);
    expect(proxmox.json().rejected).toEqual([]);
    expect(has(await reportFindings(), 'vm.remote-display-max-connections', 'vm-2024')).toBe(true);
  });

  it('accepts a CloudEvent in binary mode (attributes in ce-* headers)', async () => {
    const data = {
      Key: 990001,
      ChainId: 990001,
      CreatedTime: '2026-11-25T08:00:00Z',
      UserName: 'VSPHERE.LOCAL\\ops',
      Datacenter: { Name: 'dc-ams', Datacenter: { Type: 'Datacenter', Value: 'datacenter-3' } },
      ComputeResource: { Name: 'ams-prod', ComputeResource: { Type: 'ClusterComputeResource', Value: 'domain-c102' } },
      Host: { Name: 'ams-prod-esx03.ams.example.net', Host: { Type: 'HostSystem', Value: 'host-1098' } },
      Vm: null,
      FullFormattedMessage: 'Host ams-prod-esx03.ams.example.net in dc-ams has entered maintenance mode',
    };
    const res = await post(JSON.stringify(data), 'application/json', {
      'ce-specversion': '1.0',
      'ce-id': 'b7e4c0de-0000-4000-8000-000000000001',
      'ce-source': 'https://vc01.ams.example.net/sdk',
      'ce-type': 'com.vmware.vsphere.EnteredMaintenanceModeEvent.v0',
      'ce-time': '2026-11-25T08:00:00Z',
    });
    expect(res.status, res.text).toBe(202);
    expect(res.json().accepted).toBe(1);
  });

  it('evaluates a change incrementally: a new finding appears, Slack gets the digest, a re-delivery changes nothing', async () => {
    const before = await reportFindings();
    expect(has(before, 'esxi.ssh-disabled', 'host-1105')).toBe(false);
    const slackBefore = slack.accepted().length;
    const event = {
      id: 'e2e-ssh-enabled-host-1105',
      time: '2026-11-25T09:00:00Z',
      type: 'host.upsert',
      host: { id: 'host-1105', services: { 'TSM-SSH': { running: true, policy: 'on' } } },
    };
    const res = await post(JSON.stringify(event), 'application/json');
    expect(res.status).toBe(202);
    const body = res.json();
    expect(body.accepted).toBe(1);
    expect(body.evaluation).toMatchObject({ subjects: 1, mode: 'incremental' });
    expect(has(await reportFindings(), 'esxi.ssh-disabled', 'host-1105')).toBe(true);
    // The digest goes out after the answer (the sender never waits on Slack).
    expect(body.notify).toBe('scheduled');
    await vi.waitFor(() => expect(slack.accepted().length).toBeGreaterThan(slackBefore), {
      timeout: 30_000,
      interval: 50,
    });
    expect(JSON.stringify(slack.accepted().slice(slackBefore))).toContain('esxi.ssh-disabled');

    const again = await post(JSON.stringify(event), 'application/json');
    expect(again.json()).toMatchObject({ accepted: 0, duplicates: 1, evaluation: { subjects: 0 } });
  });

  it('rejects a malformed record with its location while storing the valid one beside it', async () => {
    const good = {
      id: 'e2e-power-off-vm-2474',
      time: '2026-11-25T10:00:00Z',
      type: 'vm.power_off',
      vm: { id: 'vm-2474' },
    };
    const res = await post(`${JSON.stringify(good)}\n{"id": "broken", "type": "vm.upsert"\n`, 'application/x-ndjson');
    expect(res.status).toBe(202);
    const body = res.json() as { accepted: number; rejected: { record?: string }[] };
    expect(body.accepted).toBe(1);
    expect(body.rejected).toHaveLength(1);
    expect(body.rejected[0]!.record).toBe('line 2');
  });

  it('runs the compliance workflow on POST /runs: per-cluster simulation, report files in the bucket, simulation findings', async () => {
    expect((await send('/runs', { method: 'POST', token: null })).status).toBe(401);
    const res = await send('/runs', { method: 'POST' });
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    const run = res.json() as {
      runId: string;
      audit: { clusters: number };
      shards: { clusterId: string }[];
      report: { keys: string[] };
    };
    expect(run.shards).toHaveLength(run.audit.clusters);
    expect(run.shards.map((s) => s.clusterId)).toContain('fra-pve');
    expect(run.report.keys.some((k) => k.endsWith('report.html'))).toBe(true);
    expect(
      readdirSync(join(work, 'data', 's3', 'hyperaudit-reports')).some(
        (f) => decodeURIComponent(f) === 'reports/latest/report.html',
      ),
    ).toBe(true);
    expect(has(await reportFindings(), 'simulation.host-overloaded', 'host-1990')).toBe(true);
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).not.toContain(TOKEN);
  });
});
