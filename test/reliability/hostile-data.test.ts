import { folderArtifactStore } from '../../src/store/artifacts/folder-artifact-store';
import { fixedClock } from '../../src/model/ports/clock';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../src/model/event';
import { runAudit } from '../../src/app/audit';
import { ingestOutcomes } from '../../src/app/ingest';
import { runNotify } from '../../src/app/notify';
import { generateReport } from '../../src/app/report';
import { readSources } from '../../src/sources/read-sources';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';
import { startSlackLikeServer, type SlackLikeServer } from '../support/slack-like-server';

/**
 * Names are attacker-controlled: anyone who can name a VM in vCenter writes into our HTML, Slack and CSV.
 * This runs such names through the whole local pipeline (normaliser → DynamoDB → audit → report → Slack)
 * and checks each output where it would do harm.
 */
const SCRIPT = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>';
const SLACK = '<!channel> @here @everyone <https://evil.example|click me> *bold*';
const FORMULA = '=HYPERLINK("https://evil.example","open")';
const CONTROL = 'red\u001b[31m\u0007\u0000bell\u202eexe.txt';
const LONG = 'x'.repeat(4000);
const HOSTILE = [SCRIPT, SLACK, FORMULA, '+1+1', '-2+3', '@SUM(A1)', CONTROL, LONG];

const T0 = Date.UTC(2026, 10, 20, 8, 0);
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function hostileFleet(): FleetEvent[] {
  const events: FleetEvent[] = HOSTILE.map((name, i) => ({
    id: `host-${i}`,
    time: at(i),
    type: 'host.upsert',
    host: {
      id: `host-${i}`,
      name,
      cluster: `cluster-${i}`,
      datacenter: 'dc1',
      hypervisor: { vendor: 'vmware', version: '8.0.3', build: '24280767' },
      cpu: { sockets: 1, coresPerSocket: 2, mhz: 2000 },
      memoryMiB: 4096,
      // SSH running: a high-severity finding on every host, so the names reach the digest.
      services: { 'TSM-SSH': { running: true, policy: 'on' } },
    },
  }));
  for (const [i, name] of HOSTILE.entries())
    events.push({
      id: `vm-${i}`,
      time: at(20 + i),
      type: 'vm.upsert',
      vm: {
        id: `vm-${i}`,
        name,
        hostId: `host-${i}`,
        vcpus: 16,
        memoryMiB: 16384,
        powerState: 'poweredOn',
        labels: { app: name, role: name },
      },
    });
  return events;
}

describe('Reliability: hostile names through the whole pipeline', () => {
  let db: LocalDynamo;
  let slack: SlackLikeServer;
  let reportDir: string;

  beforeAll(async () => {
    db = await startLocalDynamo('hyperaudit-hostile-');
    slack = await startSlackLikeServer();
    const file = join(db.dir, 'hostile.ndjson');
    await writeFile(
      file,
      hostileFleet()
        .map((e) => JSON.stringify(e))
        .join('\n'),
    );
    const ingest = await ingestOutcomes(db.store, readSources([file]));
    expect(ingest.rejected).toEqual([]);
    expect(ingest.accepted).toBe(HOSTILE.length * 2);
    await runAudit({ store: db.store, clock: fixedClock(at(60)) });
    reportDir = join(db.dir, 'report');
    await generateReport(
      { store: db.store, clock: fixedClock(new Date(at(61))), artifacts: folderArtifactStore() },
      { outDir: reportDir },
    );
    await runNotify(
      { store: db.store, clock: fixedClock(new Date(at(62))) },
      {
        minSeverity: 'low', // Every host listed, so each hostile name reaches Slack whatever order a group lists its items in.
        topItems: HOSTILE.length,
        webhookUrl: slack.url,
        delivery: { minIntervalMs: 0, retryBudgetMs: 5_000 },
      },
    );
  });

  afterAll(async () => {
    await slack?.close();
    await db?.stop();
  });

  it('keeps every name intact in the stored inventory and findings', async () => {
    const fleet = await db.store.loadFleet();
    expect([...fleet.vms.values()].map((v) => v.name).sort()).toEqual([...HOSTILE].sort());
    const findings = await db.store.listFindings();
    expect(new Set(findings.filter((f) => f.resourceType === 'host').map((f) => f.resourceName))).toEqual(
      new Set(HOSTILE),
    );
  });

  // Execution itself is checked in Chromium by test/report/report-browser.test.ts; here, the markup.
  it('never lets a name open a tag in the HTML report', async () => {
    const html = await readFile(join(reportDir, 'report.html'), 'utf8');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toMatch(/<script>window/);
    // The data block holds the names, with `<` escaped so nothing can close the script element.
    expect(html).toContain('\\u003cimg src=x onerror');
    const report = JSON.parse(await readFile(join(reportDir, 'report.json'), 'utf8')) as unknown;
    expect(JSON.stringify(report)).toContain(JSON.stringify(SCRIPT).slice(1, -1));
  });

  it('starts no CSV cell with a formula character', async () => {
    const rows = parse(await readFile(join(reportDir, 'findings.csv'), 'utf8'), {
      relax_column_count: true,
    }) as string[][];
    expect(rows.length).toBeGreaterThan(HOSTILE.length);
    for (const cell of rows.flat()) expect(cell, cell.slice(0, 40)).not.toMatch(/^[=+\-@\t\r]/);
    expect(rows.flat()).toContain(`'${FORMULA}`);
  });

  it('posts Slack text that cannot ping a channel, open a link or carry control characters', () => {
    const bodies = slack.accepted();
    expect(bodies.length).toBeGreaterThan(0);
    const text = JSON.stringify(bodies);
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).not.toContain('<!channel>');
    // Neutralised as `@<word joiner>here`: readable, but no longer a mention.
    expect(text).not.toMatch(/@(here|everyone|channel)\b/);
    expect(text).not.toContain('<https://evil.example');
    expect(text).not.toContain('<script>');
    for (const body of bodies) {
      expect(body.text).toBeTypeOf('string');
      const blockText = JSON.stringify(body.blocks ?? []);
      // JSON escapes C0 controls as \u00XX (newlines as \n, which Slack layout uses); bidi overrides stay raw.
      expect(blockText).not.toMatch(/\\u00[01][0-9a-f]/i);
      expect(blockText).not.toContain('\u202e');
    }
  });
});
