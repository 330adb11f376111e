import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoStore } from '../../src/store/dynamo-store';
import { STATE, writeState } from '../../src/store/state-keys';
import { finding } from './findings-fixture';
import { startSlackLikeServer, type SlackLikeServer } from '../support/slack-like-server';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';
import { runCli as cli } from '../support/run-cli';

const breach = finding(7, {
  fingerprint: 'fp-breach',
  ruleId: 'perimeter.migration-crossed',
  pack: 'perimeter',
  category: 'perimeter',
  severity: 'high',
  resourceId: 'vm-pay-01',
  resourceName: 'pay-01',
  title: 'A VM was migrated between hosts of different perimeters.',
  evidence: {
    perimeterCrossing: {
      eventId: 'evt-4711',
      time: '2026-11-25T10:15:00Z',
      kind: 'migrate',
      fromHostId: 'esx-pci-1',
      toHostId: 'esx-gen-1',
      fromPerimeters: ['pci'],
      toPerimeters: ['general'],
    },
  },
});

/** The Slack digest as received by a local server that answers like Slack. */
describe('notify: what a Slack reader sees for a breach and for a resolved finding', () => {
  let dynamo: LocalDynamo;
  let store: DynamoStore;
  let slack: SlackLikeServer;

  beforeAll(async () => {
    dynamo = await startLocalDynamo('hyperaudit-notify-breach-');
    store = dynamo.store;
    slack = await startSlackLikeServer();
    // The findings below are written directly, so record the audit that would have written them: without a current
    // audit `report` and `notify` audit the (empty) fleet first and the breach would resolve (issue 15 item 8).
    await writeState(store, STATE.auditLatest, {
      generatedAt: '2026-11-25T11:00:00.000Z',
      profile: 'scg',
      mode: 'full',
      summary: { hosts: 0, vms: 0, findings: {} },
      fleet: { hosts: 0, vms: 0, perimeters: 0 },
    });
  });
  afterAll(async () => {
    await slack?.close();
    await dynamo?.stop();
  });

  const notify = () => cli('notify', '--endpoint', dynamo.endpoint, '--webhook', slack.url, '--min-severity', 'high');

  it('gives a perimeter breach one evidence line (VM, from, to, when, event id) and links it to its anchor', async () => {
    await store.putFindings([breach]);
    const report = await cli(
      'report',
      '--endpoint',
      dynamo.endpoint,
      '--out',
      join(dynamo.dir, 'r'),
      '--url',
      'https://reports.example/run/report.html',
    );
    expect(report.code).toBe(0);
    expect((await notify()).code).toBe(0);
    const posted = JSON.stringify(slack.accepted().at(-1));
    expect(posted).toContain(
      'pay-01: migrate from esx-pci-1 (pci) to esx-gen-1 (general) at 2026-11-25T10:15:00Z, event evt-4711',
    );
    expect(posted).toContain('<https://reports.example/run/report.html#f-fp-breach|pay-01 (vm-pay-01)>');
    expect(posted).toContain(':large_orange_circle: *New high*');
  });

  it('marks a resolved finding as resolved, without the red or orange of new ones', async () => {
    await store.putFindings([{ ...breach, status: 'resolved', resolvedAt: '2026-11-26T00:00:00Z' }]);
    expect((await notify()).code).toBe(0);
    const posted = JSON.stringify(slack.accepted().at(-1));
    expect(posted).toContain(':white_check_mark: *Resolved high*');
    expect(posted).not.toMatch(/red_circle|orange_circle/);
  });
});
