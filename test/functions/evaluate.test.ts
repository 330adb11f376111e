import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changedSubjects } from '../../src/app/changed-subjects';
import { evaluateChanges } from '../../src/app/evaluate-changes';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import { eventKey, FINDINGS_PK, OUTBOX_PK, SNAPSHOT_SK } from '../../src/store/items';
import type { FleetEvent } from '../../src/model/event';
import { streamInsert } from './helpers/aws-events';
import { captureOutput } from './helpers/capture-output';
import { fleetEvents } from './helpers/fleet-fixture';
import { lambdaContext } from './helpers/lambda-context';
import { startLocalTable, stopLocalTable, useLocalTableEnv, type LocalTable } from './helpers/local-table';
import { systemClock } from '../../src/model/ports/clock';

let table: LocalTable;
const events = fleetEvents();
const hostEvents = events.filter((e): e is Extract<FleetEvent, { type: 'host.upsert' }> => e.type === 'host.upsert');
const insertsOf = (list: readonly FleetEvent[]) =>
  list.map((e, i) => streamInsert(eventKey(e), i, { e: { S: JSON.stringify(e) } }));

beforeAll(async () => {
  table = await startLocalTable();
});
afterAll(() => stopLocalTable(table));

describe('changedSubjects', () => {
  it('lists each entity of the inserted events once', () => {
    const subjects = changedSubjects([...insertsOf(hostEvents), ...insertsOf(hostEvents.slice(0, 1))]);
    expect(subjects).toHaveLength(hostEvents.length);
    expect(subjects[0]).toEqual({ kind: 'host', id: hostEvents[0]!.host.id });
  });

  it('ignores snapshot, findings and outbox writes, and anything but inserts, so evaluation cannot feed itself', () => {
    const modify = { ...insertsOf(hostEvents.slice(0, 1))[0]!, eventName: 'MODIFY' as const };
    expect(
      changedSubjects([
        streamInsert({ pk: `HOST#${hostEvents[0]!.host.id}`, sk: SNAPSHOT_SK }, 1),
        streamInsert({ pk: FINDINGS_PK, sk: 'f-1' }, 2),
        streamInsert({ pk: OUTBOX_PK, sk: 'm-1' }, 3),
        modify,
      ]),
    ).toEqual([]);
  });
});

describe('evaluateChanges', () => {
  it('audits the touched entities incrementally and stores their findings', async () => {
    await table.store.putEvents(events);
    const rules = loadRules();
    const result = await evaluateChanges(insertsOf(events), { store: table.store, rules, clock: systemClock });
    expect(result.subjects).toBe(new Set(events.map((e) => JSON.stringify(eventKey(e).pk))).size);
    const findings = await table.store.listFindings();
    expect(findings.length).toBeGreaterThan(0);
    expect(Object.values(result.findings!).reduce((a, b) => a + b, 0)).toBe(
      findings.filter((f) => f.status === 'open').length,
    );
  });

  it('does nothing for a batch without event inserts', async () => {
    expect(
      await evaluateChanges([streamInsert({ pk: FINDINGS_PK, sk: 'x' }, 9)], {
        store: table.store,
        rules: [],
        clock: systemClock,
      }),
    ).toEqual({ subjects: 0 });
  });
});

describe('evaluate handler', () => {
  it('evaluates a DynamoDB stream batch through the middy wrapper against the local table', async () => {
    useLocalTableEnv(table);
    process.env.RULES_DIR = DEFAULT_RULES_DIR;
    process.env.POWERTOOLS_METRICS_NAMESPACE = 'HyperauditTest';
    const { handler } = (await import('../../functions/evaluate/index')) as unknown as {
      handler: (event: unknown, context: unknown) => Promise<{ subjects: number; mode?: string }>;
    };
    const { result, output, error } = await captureOutput(() =>
      handler({ Records: insertsOf(hostEvents.slice(0, 2)) }, lambdaContext('hyperaudit-evaluate')),
    );
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ subjects: 2, mode: 'incremental' });
    expect(output).toContain('changes evaluated');
  });

  it('refuses a stream batch whose record lacks what DynamoDB always sends, naming the record and field', async () => {
    const { handler } = (await import('../../functions/evaluate/index')) as unknown as {
      handler: (event: unknown, context: unknown) => Promise<unknown>;
    };
    const [first] = insertsOf(hostEvents.slice(0, 1));
    const { eventSourceARN: _arn, ...withoutArn } = first!;
    const { error } = await captureOutput(() =>
      handler({ Records: [first, withoutArn] }, lambdaContext('hyperaudit-evaluate')),
    );
    expect(String(error)).toMatch(/evaluate input: Records\.1\.eventSourceARN: /);
  });
});
