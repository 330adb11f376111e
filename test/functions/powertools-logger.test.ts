import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { powertoolsLogger } from '../../functions/shared/powertools';

describe('Powertools adapter of the logger port', () => {
  it('writes each entry as one JSON line with its level, message and fields merged in', () => {
    const lines: string[] = [];
    const target = new Logger({ serviceName: 'hyperaudit-test', logLevel: 'DEBUG' });
    // Powertools prints through its own Console; capture what it would write.
    const capture = (line: string) => lines.push(line);
    Object.assign(target as unknown as { console: Record<string, unknown> }, {
      console: { debug: capture, info: capture, warn: capture, error: capture, log: capture },
    });
    const log = powertoolsLogger(target);
    log.warn('compaction.oversized', { count: 2 });
    log.error('compaction.failed');
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed).toEqual([
      expect.objectContaining({ level: 'WARN', message: 'compaction.oversized', count: 2, service: 'hyperaudit-test' }),
      expect.objectContaining({ level: 'ERROR', message: 'compaction.failed' }),
    ]);
  });
});
