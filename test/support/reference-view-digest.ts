import { createHash } from 'node:crypto';
import type { Finding } from '../../src/model/finding';

/**
 * The digest's input as its documentation describes it (src/engine/finding-digest.ts, src/engine/digest-bytes.ts),
 * built from each finding's view alone: no text remembered from the finding before, no object compared by identity.
 * viewDigest remembers the previous finding of each rule to skip building texts; whatever it skips, its digest must
 * be this one.
 */
export function referenceDigest(findings: readonly Finding[]): string {
  const bytes: number[] = [];
  const count = (n: number) => {
    while (n >= 0x80) {
      bytes.push((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    bytes.push(n);
  };
  const text = (s: string) => {
    count(s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) bytes.push(c);
      else bytes.push(0x80, c >>> 8, c & 0xff);
    }
  };
  const id = (s: string) => {
    if (/^[0-9a-f]{32}$/.test(s)) bytes.push(0, ...Buffer.from(s, 'hex'));
    else {
      bytes.push(1);
      text(s);
    }
  };
  const refs = new Map<string, Map<string, number>>([
    ['rule', new Map()],
    ['verify', new Map()],
    ['rest', new Map()],
  ]);
  const tags: Record<string, number> = { verify: 1, rule: 2, rest: 3 };
  const numbered = (kind: string, s: string) => {
    const known = refs.get(kind)!;
    if (!known.has(s)) {
      known.set(s, known.size);
      bytes.push(tags[kind]!);
      text(s);
    }
    return known.get(s)!;
  };
  const field = (s: string | undefined) => (s === undefined ? '-' : `${s.length}:${s}`);
  text('hyperaudit view digest 2');
  for (const f of findings) {
    const r = numbered(
      'rule',
      JSON.stringify([f.severity, f.category, f.pack, f.title, f.remediation, f.rationale ?? null, f.controls]),
    );
    const v = numbered('verify', f.verify === undefined ? 'null' : JSON.stringify(f.verify));
    const w = f.waiver;
    const rest = numbered(
      'rest',
      `${field(f.status)}${field(f.cluster)}${field(f.datacenter)}${field(f.resolvedAt)}` +
        `${w === undefined ? '-' : `w${field(w.reason)}${field(w.owner)}${field(w.expires)}`}` +
        `v${v}r${r}${JSON.stringify(f.evidence)}`,
    );
    bytes.push(f.resourceName === undefined ? 4 : 5);
    id(f.fingerprint);
    if (f.resourceName !== undefined) text(f.resourceName);
    count(rest);
  }
  return `${findings.length}:${createHash('sha256').update(Uint8Array.from(bytes)).digest('hex')}`;
}
