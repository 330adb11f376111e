import { describe, expect, it } from 'vitest';
import { emit } from '../../src/sources/outcome';
import { issuesInWords } from '../../src/sources/issue-words';
import { z } from 'zod';

describe('schema issues in words', () => {
  it('names every failing field and what it needs, not zod’s first message and a count', () => {
    const schema = z
      .object({
        time: z.iso.datetime({ offset: true }),
        n: z.number(),
        kind: z.enum(['a', 'b']),
        name: z.string().min(2),
      })
      .strict();
    const r = schema.safeParse({ time: '2026-11-25T10:00:00', n: 'x', kind: 'c', name: '', extra: 1 });
    expect(r.success).toBe(false);
    const words = issuesInWords(r.error!.issues);
    expect(words).toContain('time: needs an ISO 8601 date-time with a UTC offset such as Z');
    expect(words).toContain('n: needs a number, got string');
    expect(words).toContain('kind: must be one of "a", "b"');
    expect(words).toContain('name: must be at least 2 characters');
    expect(words).toContain('has unknown field extra');
    expect(words).not.toContain('more issue');
  });

  it('lists every problem of a rejected canonical event', () => {
    const outcome = emit(
      'canonical',
      { file: 'events.ndjson', record: 'line 1' },
      {
        id: 'e1',
        type: 'vm.power_on',
        time: '2026-11-25T10:00:00',
        vm: {},
      },
    );
    const reason = outcome.kind === 'rejected' ? outcome.reason : '';
    expect(reason).toMatch(/time: needs an ISO 8601 date-time with a UTC offset such as Z/);
    expect(reason).toMatch(/vm\.id: is missing/);
    expect(reason).not.toContain('Invalid ISO datetime');
  });
});
