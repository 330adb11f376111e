import { createHash } from 'node:crypto';
import type { OutboxMessage } from '../store/types';
import type { Digest } from './digest';
import type { DigestMessage } from './digest-messages';

const MAX_FINGERPRINTS = 1000;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Outbox entries for a digest's messages. The id depends on the digest's sequence number, which
 * fingerprints it announces and the part number, not on wording, time or report URL: enqueueing the same
 * digest again after a crash (same stored state, so same sequence) is a no-op, while a later digest that
 * happens to announce the same set (X reopened after X resolved) gets ids of its own and is not dropped.
 * `createdAt` is offset per part so the parts are delivered in order; the zero-padded sequence leads the
 * id so digests planned within the same millisecond still go out in the order they were planned.
 */
export function toOutboxMessages(digest: Digest, messages: readonly DigestMessage[], now: Date): OutboxMessage[] {
  const key = sha256(
    JSON.stringify({
      seq: digest.sequence,
      new: digest.newItems.map((i) => i.fingerprint).sort(),
      closed: digest.closedItems.map((i) => i.fingerprint).sort(),
    }),
  );
  return messages.map((m, part) => ({
    id: `slack-${String(digest.sequence).padStart(10, '0')}-${sha256(`${key}:${part}/${messages.length}`).slice(0, 32)}`,
    createdAt: new Date(now.getTime() + part).toISOString(),
    payload: { ...m.payload },
    // Bounded: one rule failing on 20,000 VMs must not push the outbox item past DynamoDB's 400 KB.
    fingerprints: [...m.newFingerprints, ...m.closedFingerprints].slice(0, MAX_FINGERPRINTS),
  }));
}
