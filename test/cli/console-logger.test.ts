import { describe, expect, it } from 'vitest';
import { consoleLogger } from '../../src/cli/console-logger';

function sink() {
  const lines: string[] = [];
  return { lines, write: (text: string) => lines.push(text) };
}

describe('console logger (CLI)', () => {
  it('writes one line per entry: level, message and its fields as JSON', () => {
    const out = sink();
    const log = consoleLogger(out);
    log.warn('compaction.oversized', { count: 2, entities: ['vm:a'] });
    log.info('done');
    expect(out.lines).toEqual(['warn  compaction.oversized {"count":2,"entities":["vm:a"]}\n', 'info  done\n']);
  });

  it('leaves out entries below its level', () => {
    const out = sink();
    const log = consoleLogger(out, 'warn');
    log.debug('noise');
    log.info('progress');
    log.error('broken', { key: 'k' });
    expect(out.lines).toEqual(['error broken {"key":"k"}\n']);
  });

  it('a field that cannot be serialised does not throw', () => {
    const out = sink();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    consoleLogger(out).error('odd', { cyclic, big: 1n });
    expect(out.lines).toEqual(['error odd {"unserialisable":true}\n']);
  });
});
