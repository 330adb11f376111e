import { describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../src/model/event';
import { RecordingStore } from '../../src/server/recording-store';
import { MemoryStore } from '../../src/store/memory-store';
import { PartialPutError } from '../../src/store/partial-put-error';
import type { PutEventsResult } from '../../src/store/types';

const upsert = (n: number): FleetEvent => ({
  id: `ev-${n}`,
  time: '2025-01-01T00:00:00Z',
  type: 'vm.upsert',
  vm: { id: `vm-${n}` },
});

/** Stores the first `stored` events of a batch, then fails as DynamoStore does when a later chunk is refused. */
class FailsPartWay extends MemoryStore {
  constructor(private readonly stored: number) {
    super();
  }
  override async putEvents(events: readonly FleetEvent[]): Promise<PutEventsResult> {
    const written = events.slice(0, this.stored);
    const result = await super.putEvents(written);
    throw new PartialPutError(written, result, new Error('BatchWriteItem refused'));
  }
}

describe('RecordingStore', () => {
  it('records the events a failed putEvents stored before the failure, and rethrows', async () => {
    const recording = new RecordingStore(new FailsPartWay(2));
    const events = [upsert(1), upsert(2), upsert(3)];
    await expect(recording.putEvents(events)).rejects.toBeInstanceOf(PartialPutError);
    expect(recording.takeStored()).toEqual([upsert(1), upsert(2)]);
  });

  it('records nothing when putEvents failed before storing anything', async () => {
    const recording = new RecordingStore(
      new (class extends MemoryStore {
        override async putEvents(): Promise<PutEventsResult> {
          throw new Error('table unreachable');
        }
      })(),
    );
    await expect(recording.putEvents([upsert(1)])).rejects.toThrow('table unreachable');
    expect(recording.takeStored()).toEqual([]);
  });
});
