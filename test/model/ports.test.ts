import { describe, expect, it } from 'vitest';
import { fixedClock, isoNow, systemClock } from '../../src/model/ports/clock';
import { memoryLogger, quietLogger } from '../../src/model/ports/logger';

describe('clock port', () => {
  it('a fixed clock gives the same instant every time, from a Date, an ISO string or epoch milliseconds', () => {
    const at = '2026-12-03T23:50:00.000Z';
    for (const clock of [fixedClock(new Date(at)), fixedClock(at), fixedClock(Date.parse(at))]) {
      expect(isoNow(clock)).toBe(at);
      expect(clock.now().getTime()).toBe(Date.parse(at));
    }
  });

  it('a caller mutating the Date it got does not move a fixed clock', () => {
    const clock = fixedClock('2026-01-01T00:00:00Z');
    clock.now().setUTCFullYear(1999);
    expect(isoNow(clock)).toBe('2026-01-01T00:00:00.000Z');
  });

  it('refuses a fixed time that is not a time, quoting it', () => {
    expect(() => fixedClock('yesterday')).toThrow(/fixed clock: "yesterday" is not a time/);
  });

  it('the system clock reads the machine time', () => {
    const before = Date.now();
    const now = systemClock.now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
  });
});

describe('logger port', () => {
  it('the memory logger keeps each entry with its level, message and fields, in order', () => {
    const log = memoryLogger();
    log.warn('compaction.oversized', { count: 2 });
    log.error('compaction.failed');
    log.info('done', { runId: 'r1' });
    expect(log.entries).toEqual([
      { level: 'warn', message: 'compaction.oversized', fields: { count: 2 } },
      { level: 'error', message: 'compaction.failed', fields: {} },
      { level: 'info', message: 'done', fields: { runId: 'r1' } },
    ]);
  });

  it('the quiet logger accepts every level and keeps nothing', () => {
    expect(() => {
      quietLogger.debug('a');
      quietLogger.info('b', { x: 1 });
      quietLogger.warn('c');
      quietLogger.error('d', { y: 2 });
    }).not.toThrow();
  });
});
