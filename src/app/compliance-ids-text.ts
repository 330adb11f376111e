import type { ComplianceRecord } from '../engine/compliance';
import { asciiBytes, JsonBytes } from '../report/formats/json-bytes';

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

/** Bytes of id text gathered before the buffer grows: the lists of a 100,000-VM fleet are about 20 MB. */
const START_BYTES = 1 << 20;

function list(out: JsonBytes, ids: readonly unknown[]): void {
  out.bytes(LIST_OPEN);
  for (let i = 0; i < ids.length; i++) {
    if (i > 0) out.bytes(COMMA);
    const id = ids[i];
    if (typeof id === 'string') out.string(id);
    // Not what the record holds, but printed as JSON.stringify would print it all the same.
    else out.text(JSON.stringify(id) ?? 'null');
  }
  out.bytes(LIST_CLOSE);
}

/**
 * The UTF-8 of `JSON.stringify({ evaluatedSets, rules: [{ failIds, unverifiedIds, waivedIds }, …] })`, the text the
 * compliance view's parts hold (`storeCompliance`), written as bytes without the string: an unchanged fleet's audit
 * needs only its digest, and a string of 20 MB (a million ids) cost more to make and to hash than the bytes.
 * `ascii`: every byte is ASCII, so the text has as many characters as bytes.
 */
export function complianceIdsBytes(record: ComplianceRecord): { bytes: Buffer; ascii: boolean } {
  const out = new JsonBytes(START_BYTES);
  out.bytes(OPEN);
  const sets = record.evaluatedSets;
  for (let s = 0; s < sets.length; s++) {
    if (s > 0) out.bytes(COMMA);
    list(out, sets[s]!);
  }
  out.bytes(RULES);
  const rules = record.rules;
  for (let r = 0; r < rules.length; r++) {
    if (r > 0) out.bytes(COMMA);
    const rule = rules[r]!;
    out.bytes(FAIL);
    list(out, rule.failIds);
    out.bytes(UNVERIFIED);
    list(out, rule.unverifiedIds);
    out.bytes(WAIVED);
    list(out, rule.waivedIds);
    out.bytes(RULE_CLOSE);
  }
  out.bytes(CLOSE);
  const ascii = out.ascii;
  return { bytes: out.take()?.bytes ?? Buffer.alloc(0), ascii };
}
