/**
 * `npm run bench -- fingerprint-hex` (or `npx tsx bench/fingerprint-hex.ts [n] [rounds]`, default 750,000 keys, 4
 * rounds): ways of making a fingerprint (the first 32 hex characters of a key's SHA-256, `src/engine/fingerprint.ts`)
 * from the one-shot `crypto.hash`, alternated in one process over the same keys (rule prefix and VM-like ids, as an
 * audit hashes them), each way's fingerprints kept until the next way starts, as an audit keeps them. Every way is
 * checked against the baseline's values first. CPU ms per way and the ratio to the baseline: `fingerprintAfter`
 * itself, the 64-character hex text cut to 32 by copying its character codes. (The twelfth round shipped the Latin-1
 * way, 1.13–1.21× here when the bench held its own copy of the shipped code as the baseline; measured through the
 * function that ships instead, it was 0.73–0.97×, and the simpler form came back.)
 */
import { hash } from 'node:crypto';
import { fingerprintAfter } from '../src/engine/fingerprint';
import { ownCpuMs } from './lib/process-cpu';

const N = Number(process.argv[2] ?? 750_000);
const ROUNDS = Number(process.argv[3] ?? 4);

const HALF = 32;
const codes: number[] = new Array<number>(HALF).fill(0);
const HEX = '0123456789abcdef';
/** Each byte's two hex digits' character codes, high digit first. */
const DIGITS = new Uint8Array(512);
for (let b = 0; b < 256; b++) {
  DIGITS[2 * b] = HEX.charCodeAt(b >> 4);
  DIGITS[2 * b + 1] = HEX.charCodeAt(b & 15);
}
const out32 = Buffer.alloc(HALF);

const ways: Record<string, (key: string) => string> = {
  // What ships (`fingerprintAfter`): the 64-character hex text, its first 32 codes copied into a string of their own.
  baseline: (key) => fingerprintAfter(key, ''),
  // The digest as a Buffer, its first 16 bytes as hex.
  bufferHex: (key) => (hash('sha256', key, 'buffer') as Buffer).toString('hex', 0, 16),
  // The digest as a 32-character Latin-1 text, its first 16 codes' digits copied into `codes` by a table.
  latin1Codes: (key) => {
    const bin = hash('sha256', key, 'binary');
    for (let i = 0; i < 16; i++) {
      const c = bin.charCodeAt(i);
      codes[2 * i] = DIGITS[2 * c]!;
      codes[2 * i + 1] = DIGITS[2 * c + 1]!;
    }
    return String.fromCharCode.apply(null, codes);
  },
  // The same digits written into one reused buffer, read back as one Latin-1 string.
  latin1Buffer: (key) => {
    const bin = hash('sha256', key, 'binary');
    for (let i = 0; i < 16; i++) {
      const c = bin.charCodeAt(i);
      out32[2 * i] = DIGITS[2 * c]!;
      out32[2 * i + 1] = DIGITS[2 * c + 1]!;
    }
    return out32.toString('latin1', 0, HALF);
  },
  // The 64-character hex text and `slice` flattened by a property key lookup would keep it: copied by the buffer.
  hexBuffer: (key) => {
    const hex = hash('sha256', key, 'hex');
    out32.write(hex, 0, HALF, 'latin1');
    return out32.toString('latin1', 0, HALF);
  },
};

const prefix = 'vm.advanced-setting-example|vm|';
const keys: string[] = new Array(N);
for (let i = 0; i < N; i++) keys[i] = `vm-${String(i).padStart(6, '0')}${i % 7 === 0 ? 'ü' : ''}`;

const expected = keys.slice(0, 10_000).map((k) => ways.baseline!(prefix + k));
for (const [name, way] of Object.entries(ways))
  for (let i = 0; i < expected.length; i++)
    if (way(prefix + keys[i]) !== expected[i]) throw new Error(`${name} differs from the baseline at key ${i}`);

const names = Object.keys(ways);
const total: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
let kept: string[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? names : [...names].reverse();
  const line: string[] = [];
  for (const name of order) {
    const way = ways[name]!;
    kept = [];
    const out: string[] = new Array(N);
    const t = ownCpuMs();
    for (let i = 0; i < N; i++) out[i] = way(prefix + keys[i]);
    const spent = ownCpuMs() - t;
    kept = out;
    // The first round warms every way up: not counted.
    if (round > 0) total[name]! += spent;
    line.push(`${name} ${spent.toFixed(0)}`);
  }
  process.stdout.write(`round ${round + 1} (${kept.length} fingerprints, CPU ms): ${line.join(', ')}\n`);
}
for (const name of names)
  process.stdout.write(
    `${name}: ${total[name]!.toFixed(0)} ms over rounds 2–${ROUNDS}, baseline ${total.baseline!.toFixed(0)} ms → ${(total.baseline! / total[name]!).toFixed(2)}× the baseline's speed\n`,
  );
