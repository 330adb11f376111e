import { describe, expect, it } from 'vitest';
import { xmlEscape } from '../../src/report/formats/junit';

describe('xmlEscape', () => {
  it('returns plain text as it is', () => {
    const plain = 'host:fra-kvm-02.fra.example (rack 4) — 100% #1 [ok] {a=b}; é ✓\ttab\nline';
    expect(xmlEscape(plain)).toBe(plain);
  });

  it('escapes each markup character wherever it stands', () => {
    expect(xmlEscape(`a&b<c>d"e'f`)).toBe('a&amp;b&lt;c&gt;d&quot;e&apos;f');
    expect(xmlEscape('{"k":"<v>"}')).toBe('{&quot;k&quot;:&quot;&lt;v&gt;&quot;}');
  });

  it('drops characters XML 1.0 forbids and keeps paired surrogates', () => {
    expect(xmlEscape('a\u0000b\u001fc\uFFFEd\uFFFF')).toBe('abcd');
    expect(xmlEscape('lone \uD800 high, lone \uDC00 low')).toBe('lone  high, lone  low');
    expect(xmlEscape('emoji 😀 & more')).toBe('emoji 😀 &amp; more');
  });
});
