import { describe, expect, it } from 'vitest';
import { findingAnchorId, findingUrl } from '../../src/report/html/finding-anchor';
import { fingerprint } from '../../src/engine/fingerprint';

describe('finding anchors', () => {
  it('point at the row id the report page gives the finding', () => {
    const fp = fingerprint('esxi.ssh-disabled', 'host', 'vc:host-12');
    expect(findingAnchorId(fp)).toBe(`f-${fp}`);
    expect(findingUrl('https://reports.example/run/report.html', fp)).toBe(
      `https://reports.example/run/report.html#f-${fp}`,
    );
  });

  it('replace a fragment the report URL already has, and escape what a URL cannot hold', () => {
    expect(findingUrl('file:///tmp/r/report.html#findings', 'abc')).toBe('file:///tmp/r/report.html#f-abc');
    expect(findingUrl('https://r.example/report.html', 'a b#c')).toBe('https://r.example/report.html#f-a%20b%23c');
  });
});
