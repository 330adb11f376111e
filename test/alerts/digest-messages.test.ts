import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computeDigest } from '../../src/alerts/digest';
import { digestMessages } from '../../src/alerts/digest-messages';
import { SEVERITIES, type Finding } from '../../src/model/finding';
import { finding, HOSTILE_NAME } from './findings-fixture';
import { expectWithinSlackLimits } from './slack-limits-check';
import { HOSTILE_NAMES } from '../report/report-fixture';

const now = '2026-11-02T00:00:00.000Z';

function messagesFor(findings: Finding[], opts: Parameters<typeof digestMessages>[1] = {}) {
  return digestMessages(computeDigest(findings, undefined, 'info', now), opts);
}

describe('digestMessages', () => {
  it('sends nothing when nothing changed', () => {
    expect(digestMessages(computeDigest([], undefined, 'info', now))).toEqual([]);
  });

  it('groups by severity and rule, lists the top items and counts the rest', () => {
    const findings = Array.from({ length: 12 }, (_, i) => finding(i * 7, { ruleId: 'r.same', title: 'Same' }));
    findings.push(finding(100, { severity: 'critical', ruleId: 'r.crit' }));
    const [message, ...rest] = messagesFor(findings, { topItems: 3, reportUrl: 'https://reports.example/r/1.html' });
    expect(rest).toEqual([]);
    const sections = message!.payload.blocks
      .filter((b) => b.type === 'section')
      .map((b) => (b.type === 'section' ? b.text.text : ''));
    expect(sections[0]).toContain('*New:* 1 critical · 12 high');
    expect(sections[1]).toContain('r.crit');
    expect(sections[2]).toContain('r.same');
    expect(sections[2]).toContain('(12)');
    expect(sections[2]!.split('\n').filter((l) => l.startsWith('•'))).toHaveLength(3);
    expect(sections[2]).toContain('…and 9 more');
    expect(JSON.stringify(message!.payload.blocks)).toContain(
      '<https://reports.example/r/1.html|Open the full report>',
    );
    expect(message!.payload.text).toContain('13 new findings');
  });

  it('splits a large digest into several messages, each within Slack limits and with a fallback text', () => {
    const findings = Array.from({ length: 400 }, (_, i) =>
      finding(i, { ruleId: `rule-${i}`, severity: SEVERITIES[i % 5]! }),
    );
    const messages = messagesFor(findings);
    expect(messages.length).toBeGreaterThan(8);
    for (const m of messages) expectWithinSlackLimits(m.payload);
    expect(messages.flatMap((m) => m.newFingerprints).sort()).toEqual(findings.map((f) => f.fingerprint).sort());
    expect(messages[1]!.payload.text).toContain(`(part 2/${messages.length})`);
  });

  it('keeps sections within limits when names and titles are huge and hostile', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', maxLength: 5000 }), { minLength: 1, maxLength: 30 }),
        fc.string({ unit: 'binary', maxLength: 5000 }),
        (names, title) => {
          const findings = names.map((name, i) =>
            finding(i, { resourceName: name, title, ruleId: title.slice(0, 300) }),
          );
          for (const m of messagesFor(findings, { topItems: 50 })) {
            expectWithinSlackLimits(m.payload);
            const json = JSON.stringify(m.payload);
            expect(json).not.toMatch(/@(channel|here|everyone)\b/i);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('shows a script-bearing VM name as escaped text', () => {
    const [m] = messagesFor([finding(1, { resourceName: HOSTILE_NAME })]);
    const json = JSON.stringify(m!.payload);
    expect(json).toContain('&lt;img src=x onerror=\\"window.__pwned=1\\"&gt;&lt;script&gt;');
    expect(json).not.toContain('<img');
    expect(json).not.toContain('<!here>');
    expect(json).not.toMatch(/@channel\b/);
  });

  it('passes every known-hostile name (markup, mentions, formulas, control and bidi characters, 60k chars) harmlessly', () => {
    const messages = messagesFor(
      HOSTILE_NAMES.map((name, i) => finding(i, { resourceName: name, resourceId: name.slice(0, 50), ruleId: 'r' })),
      { topItems: 50 },
    );
    for (const m of messages) {
      expectWithinSlackLimits(m.payload);
      for (const block of m.payload.blocks) {
        const text = block.type === 'section' ? block.text.text : block.type === 'header' ? block.text.text : '';
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the test asserts no control character reaches Slack
        expect(text).not.toMatch(/[<>\u0000-\u0009\u000b-\u001f\u202a-\u202e]/);
        expect(text).not.toMatch(/@(channel|here|everyone)\b/i);
        expect(text.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
      }
    }
  });

  it('honours a lower block budget by starting a new message', () => {
    const findings = Array.from({ length: 10 }, (_, i) => finding(i, { ruleId: `rule-${i}` }));
    const messages = messagesFor(findings, { maxBlocks: 5 });
    for (const m of messages) expect(m.payload.blocks.length).toBeLessThanOrEqual(5);
    expect(messages.flatMap((m) => m.newFingerprints)).toHaveLength(10);
  });
});
