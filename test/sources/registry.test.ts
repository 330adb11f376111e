import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normaliseRecord } from '../../src/sources/index';
import { SOURCES, detectSource } from '../../src/sources/registry';
import { SOURCE_NAMES } from '../../src/sources/types';
import { collect, eventsOf, fixture, rejectedOf } from './helpers';

const novaNotification = JSON.parse(readFileSync(fixture('nova', 'instance-create-end.json'), 'utf8')) as unknown;
const inEventBridge = (detail: unknown) => ({
  version: '0',
  id: 'eb-7',
  'detail-type': 'nova.notification',
  source: 'acme.openstack',
  time: '2026-11-26T01:00:00Z',
  detail,
});

describe('source registry', () => {
  it('registers every source name exactly once', () => {
    expect(SOURCES.map((s) => s.name).sort()).toEqual([...SOURCE_NAMES].sort());
  });

  it('opens an EventBridge event once for every reader: a Nova notification in detail is read as Nova', async () => {
    expect(detectSource(inEventBridge(novaNotification))).toBe('nova');
    const fromRecord = eventsOf(normaliseRecord(inEventBridge(novaNotification), { file: 'http' }));
    const direct = eventsOf(normaliseRecord(novaNotification, { file: 'http' }));
    expect(fromRecord).toEqual(direct);
    expect(direct.length).toBeGreaterThan(0);

    const dir = mkdtempSync(join(tmpdir(), 'registry-'));
    writeFileSync(join(dir, 'relayed.json'), JSON.stringify(inEventBridge(novaNotification)));
    expect(eventsOf(await collect([join(dir, 'relayed.json')]))).toEqual(direct);
  });

  it('refuses a file whose extension another source owns when --source names a different one', async () => {
    const out = await collect([fixture('rvtools', 'example1.xlsx'), fixture('rvtools', 'csv')], { source: 'nova' });
    expect(rejectedOf(out).length).toBeGreaterThan(0);
    for (const r of rejectedOf(out)) expect(r.reason).toMatch(/cannot be read as nova/);
  });
});
