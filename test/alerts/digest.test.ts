import { describe, expect, it } from 'vitest';
import { computeDigest } from '../../src/alerts/digest';
import { finding } from './findings-fixture';

const now = '2026-11-02T00:00:00.000Z';

describe('computeDigest', () => {
  it('announces every open finding at or above the threshold on the first run', () => {
    const d = computeDigest(
      [finding(1, { severity: 'critical' }), finding(2, { severity: 'low' }), finding(3, { status: 'waived' })],
      undefined,
      'medium',
      now,
    );
    expect(d.newItems.map((i) => i.fingerprint)).toEqual(['fp-00001']);
    expect(d.closedItems).toEqual([]);
    expect(d.openCount).toBe(1);
    expect(d.nextState.announced).toEqual(['fp-00001']);
  });

  it('does not announce a fingerprint again while it stays open', () => {
    const first = computeDigest([finding(1)], undefined, 'high', now);
    const second = computeDigest([finding(1), finding(2)], first.nextState, 'high', now);
    expect(second.newItems.map((i) => i.fingerprint)).toEqual(['fp-00002']);
    const third = computeDigest([finding(1), finding(2)], second.nextState, 'high', now);
    expect(third.newItems).toEqual([]);
    expect(third.closedItems).toEqual([]);
  });

  it('announces resolved, waived and vanished findings once, then a reopened one as new again', () => {
    const first = computeDigest([finding(1), finding(2), finding(3)], undefined, 'high', now);
    const closed = computeDigest(
      [finding(1, { status: 'resolved' }), finding(2, { status: 'waived' })],
      first.nextState,
      'high',
      now,
    );
    expect(closed.closedItems.map((i) => [i.fingerprint, i.status])).toEqual([
      ['fp-00001', 'resolved'],
      ['fp-00002', 'waived'],
      ['fp-00003', 'gone'],
    ]);
    expect(closed.nextState.announced).toEqual([]);
    const again = computeDigest([finding(1, { status: 'resolved' })], closed.nextState, 'high', now);
    expect(again.closedItems).toEqual([]);
    const reopened = computeDigest([finding(1)], again.nextState, 'high', now);
    expect(reopened.newItems.map((i) => i.fingerprint)).toEqual(['fp-00001']);
  });

  it('still reports the resolution of a finding announced under a lower threshold', () => {
    const first = computeDigest([finding(1, { severity: 'low' })], undefined, 'low', now);
    const later = computeDigest(
      [finding(1, { severity: 'low', status: 'resolved' })],
      first.nextState,
      'critical',
      now,
    );
    expect(later.closedItems.map((i) => i.fingerprint)).toEqual(['fp-00001']);
  });
});
