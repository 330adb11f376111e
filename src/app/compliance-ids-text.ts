import { createHash } from 'node:crypto';
import type { ComplianceRecord } from '../engine/compliance';
import { allStrings, asciiBytes, JsonBytes, RepeatedLists, STRING_RUN } from '../report/formats/json-bytes';

const OPEN = asciiBytes('{"evaluatedSets":[');
const RULES = asciiBytes('],"rules":[');
const FAIL = asciiBytes('{"failIds":');
const UNVERIFIED = asciiBytes(',"unverifiedIds":');
const WAIVED = asciiBytes(',"waivedIds":');
const RULE_CLOSE = asciiBytes('}');
const CLOSE = asciiBytes(']}');
const COMMA = asciiBytes(',');
const LIST_OPEN = asciiBytes('[');
const LIST_CLOSE = asciiBytes(']');

/** Bytes encoded before they are hashed and written over: one buffer, reused, for the 20 MB of a 100,000-VM view. */
const CHUNK_BYTES = 1 << 18;

/** The text of the compliance view's id lists, as its parts hold it once joined. */
export function complianceIdsText(record: ComplianceRecord): string {
  return JSON.stringify({
    evaluatedSets: record.evaluatedSets,
    rules: record.rules.map((r) => ({ failIds: r.failIds, unverifiedIds: r.unverifiedIds, waivedIds: r.waivedIds })),
  });
}

/** JSON bytes hashed a chunk at a time as they are written. */
class HashedJson {
  readonly out = new JsonBytes(CHUNK_BYTES);
  private readonly hash = createHash('sha256');
  private bytes = 0;
  /** Whether bytes hashed besides `out`'s (a repeated list's own) were all ASCII. */
  private ownAscii = true;

  /** `repeated`: the long lists the record holds more than once (one array), hashed from their bytes encoded once. */
  constructor(private readonly repeated: RepeatedLists) {}

  /** Hashes what was written since the last call once a chunk's worth is there (at the end: whatever is). */
  drain(always = false): void {
    if (!always && !this.out.full) return;
    const chunk = this.out.take();
    if (chunk === undefined) return;
    this.bytes += chunk.length;
    this.hash.update(chunk);
  }

  list(ids: readonly unknown[]): void {
    const out = this.out;
    if (allStrings(ids)) {
      const strings = ids as readonly string[];
      const own = this.repeated.bytes(strings, '[', ',', ']');
      if (own !== undefined) {
        // What `out` holds goes first: the hash takes the bytes in their order, however they are split.
        this.drain(true);
        this.bytes += own.bytes.length;
        this.hash.update(own.bytes);
        if (!own.ascii) this.ownAscii = false;
        return;
      }
      out.bytes(LIST_OPEN);
      for (let start = 0; start < strings.length; start += STRING_RUN) {
        if (start > 0) out.bytes(COMMA);
        out.strings(strings.length <= STRING_RUN ? strings : strings.slice(start, start + STRING_RUN), ',');
        this.drain();
      }
      out.bytes(LIST_CLOSE);
      return;
    }
    out.bytes(LIST_OPEN);
    for (let i = 0; i < ids.length; i++) {
      if (i > 0) out.bytes(COMMA);
      const id = ids[i];
      if (typeof id === 'string') out.string(id);
      // Not what the record holds, but printed as JSON.stringify would print it all the same.
      else out.text(JSON.stringify(id) ?? 'null');
      this.drain();
    }
    out.bytes(LIST_CLOSE);
  }

  finish(): { digest: string; bytes: number; ascii: boolean } {
    this.drain(true);
    return { digest: this.hash.digest('hex'), bytes: this.bytes, ascii: this.out.ascii && this.ownAscii };
  }
}

/**
 * The SHA-256 (hex) of `complianceIdsText(record)`'s UTF-8, its length in bytes, and whether every byte is ASCII (the
 * text then has a character per byte): the text is encoded a chunk at a time into one reused buffer and hashed
 * without being made, which is all an unchanged fleet's audit needs of it (`storeCompliance`). Making the string of
 * 20 MB (a million ids), and hashing it, cost more than its bytes.
 */
export function complianceIdsDigest(record: ComplianceRecord): { digest: string; bytes: number; ascii: boolean } {
  const repeated = new RepeatedLists();
  for (const set of record.evaluatedSets) repeated.see(set);
  for (const rule of record.rules) {
    repeated.see(rule.failIds);
    repeated.see(rule.unverifiedIds);
    repeated.see(rule.waivedIds);
  }
  const json = new HashedJson(repeated);
  const out = json.out;
  out.bytes(OPEN);
  const sets = record.evaluatedSets;
  for (let s = 0; s < sets.length; s++) {
    if (s > 0) out.bytes(COMMA);
    json.list(sets[s]!);
  }
  out.bytes(RULES);
  const rules = record.rules;
  for (let r = 0; r < rules.length; r++) {
    if (r > 0) out.bytes(COMMA);
    const rule = rules[r]!;
    out.bytes(FAIL);
    json.list(rule.failIds);
    out.bytes(UNVERIFIED);
    json.list(rule.unverifiedIds);
    out.bytes(WAIVED);
    json.list(rule.waivedIds);
    out.bytes(RULE_CLOSE);
  }
  out.bytes(CLOSE);
  return json.finish();
}
