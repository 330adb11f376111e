import { describe, expect, it } from 'vitest';
import { normaliseRecord } from '../../src/sources/index';
import { collect, eventsOf, fixture, rejectedOf } from './helpers';

describe('canonical normaliser', () => {
  it('accepts NDJSON, arrays and single documents, rejecting bad records by zod path while keeping the good ones', async () => {
    const out = await collect([fixture('canonical')]);
    expect(eventsOf(out).map((e) => e.id)).toEqual(['a-1', 'a-2', 'c-1', 'c-2', 'c-3', 'c-7', 's-1']);
    expect(rejectedOf(out).map((o) => [o.file.split('/').pop(), o.record, o.field])).toEqual([
      ['array.json', 'record 3', 'vm.nics.0.speedMbps'],
      ['events.ndjson', 'line 5', 'migrate.kind'],
      ['events.ndjson', 'line 6', 'time'],
      ['events.ndjson', 'line 7', 'type'],
      ['events.ndjson', 'line 9', undefined],
    ]);
    expect(rejectedOf(out)[4]!.reason).toMatch(/^not valid JSON at column \d+/);
  });

  it('labels canonical events with their source unless the producer named one', () => {
    const [a] = normaliseRecord(
      { id: '1', time: '2024-01-01T00:00:00Z', type: 'vm.power_on', vm: { id: 'v' } },
      { file: 'f' },
    );
    const [b] = normaliseRecord(
      { id: '2', time: '2024-01-01T00:00:00Z', type: 'vm.power_on', source: 'cmdb', vm: { id: 'v' } },
      { file: 'f' },
    );
    expect(a).toMatchObject({ kind: 'event', event: { source: 'canonical' } });
    expect(b).toMatchObject({ kind: 'event', event: { source: 'cmdb' } });
  });

  it('refuses unknown keys instead of silently dropping them', () => {
    const [o] = normaliseRecord(
      { id: '1', time: '2024-01-01T00:00:00Z', type: 'vm.upsert', vm: { id: 'v', colour: 'red' } },
      { file: 'f', record: 'line 1' },
    );
    expect(o).toMatchObject({ kind: 'rejected', file: 'f', record: 'line 1', field: 'vm' });
  });
});
