import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { slackEscape, slackField, slackLink, truncate } from '../../src/alerts/slack-text';

describe('slackEscape', () => {
  it('escapes the three characters Slack treats as markup', () => {
    expect(slackEscape('a & <b> c')).toBe('a &amp; &lt;b&gt; c');
  });

  it('neutralises broadcast mentions in any case and the <!channel> form', () => {
    const out = slackEscape('hi @channel @HERE @everyone <!channel> <!here|here>');
    expect(out).not.toMatch(/@(channel|here|everyone)\b/i);
    expect(out).not.toContain('<!');
    expect(out).toContain('@\u2060channel');
  });

  it('turns control characters and line separators into spaces so a name stays on one line', () => {
    expect(slackEscape('a\nb\r\tc\u0000d\u2028e\u202ef')).toBe('a b  c d e f');
  });

  it('never leaves a raw <, > or an unescaped & for any input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = slackEscape(s);
        expect(out).not.toMatch(/[<>]/);
        expect(out.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
        expect(out).not.toMatch(/@(channel|here|everyone)\b/i);
      }),
    );
  });
});

describe('truncate', () => {
  it('keeps strings within the limit and marks the cut', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
  });

  it('does not split a surrogate pair or an escape entity', () => {
    expect(truncate('ab😀cd', 4)).toBe('ab…');
    expect(truncate(slackEscape('abc<def'), 6)).toBe('abc…');
  });

  it('respects the limit for any escaped input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), fc.integer({ min: 2, max: 300 }), (s, max) => {
        expect(slackField(s, max).length).toBeLessThanOrEqual(max);
      }),
    );
  });
});

describe('slackLink', () => {
  it('cannot be closed early or relabelled by the URL', () => {
    expect(slackLink('https://x/a|evil>b<c&d', 'Report <1>')).toBe(
      '<https://x/a%7Cevil%3Eb%3Cc&amp;d|Report &lt;1&gt;>',
    );
  });
});
