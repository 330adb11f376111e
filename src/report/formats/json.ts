import type { AuditResult } from '../../engine/audit-result';
import { sameFlatRecord } from '../../model/flat-record';
import { EncodedText, type TextPiece } from './encoded-text';
import { isListedUnverified, jsonFinding, type PrintedFinding, unverifiedHead, unverifiedMember } from './json-finding';
import { nestedJsonBytes } from './nested-json-bytes';
import { lineAt, nestedJsonText, prettyJson } from './pretty-json';
import { groupUnverified, memberIndexes, unverifiedGroupPieces } from './unverified-groups';
import { UnverifiedMemberPrinter } from './unverified-member';

/**
 * The `audit --format json` document: summary; `findings`, one entry per current finding that is not unverified
 * (open or waived) with the resource's name, cluster and datacenter beside its id and the waiver (reason, owner,
 * expiry); `unverified`, one entry per group of unverified findings that print the same rule, texts, status, last
 * seen, waiver and what to collect (`unverifiedHead`), those once, with `count` and `resources`, each member's own
 * fields (`unverifiedMember`); the compliance view's figures when the audit recorded one. At 100,000 VMs of sparse
 * data 730,000 unverified findings each repeated about 1.4 KB of their rule's text: 1 GB nobody reads (docs/rules.md,
 * "Output formats", says how to flatten the groups back).
 */
export function toJsonDocument(result: AuditResult) {
  const findings = result.findings;
  return {
    summary: result.summary,
    findings: findings.filter((f) => !isListedUnverified(f)).map(jsonFinding),
    unverified: groupUnverified(findings).map((group) => {
      const members = memberIndexes(findings, group);
      return {
        ...unverifiedHead(findings[members[0]!]!),
        count: members.length,
        resources: members.map((i) => unverifiedMember(findings[i]!)),
      };
    }),
    ...complianceOf(result),
  };
}

function complianceOf(result: AuditResult) {
  return {
    ...(result.compliance !== undefined && {
      compliance: {
        at: result.compliance.at,
        profile: result.compliance.profile,
        frameworks: result.compliance.frameworks,
        controls: result.compliance.controls,
        rules: result.compliance.rules.map(({ evaluated: _e, ...r }) => r),
      },
    }),
  };
}

export function formatJson(result: AuditResult): string {
  return [...formatJsonPieces(result)].join('');
}

/** The keys of `jsonFinding`'s object, in its order, as they open their line. */
const FINDING_KEYS = [
  'fingerprint',
  'ruleId',
  'severity',
  'category',
  'resourceType',
  'resourceId',
  'resourceName',
  'cluster',
  'datacenter',
  'title',
  'evidence',
  'controls',
  'remediation',
  'status',
  'firstSeen',
  'lastSeen',
  'waiver',
  'verify',
].map((key) => `${lineAt(3)}${JSON.stringify(key)}: `);
const CONTROLS = 11;
const VERIFY = 17;

interface RuleTexts {
  f: PrintedFinding;
  head: string;
  title: string;
  tail: string | undefined;
}

/** A typical finding's text from its title on, with the values it was printed from. */
interface FindingEnd {
  rule: RuleTexts;
  evidence: unknown;
  status: string;
  firstSeen: string;
  lastSeen: string;
  waiver: PrintedFinding['waiver'];
  verify: PrintedFinding['verify'];
  text: string;
  /** Made when a second finding ends with the same text. */
  encoded: EncodedText | undefined;
}

/**
 * Whether `f`, a finding `typical` takes, prints from its title on as `end` did: the same rule's texts (the same
 * object, kept while the rule's fields are the same), the same status and times (strings, checked by `typical`), the
 * same waiver's strings, the same object of what to collect (the evaluation shares one per distinct list), and
 * evidence with the same keys in the same order holding the same strings, numbers, booleans or nulls.
 */
function sameEnd(end: FindingEnd, rule: RuleTexts, f: PrintedFinding): boolean {
  if (
    end.rule !== rule ||
    end.status !== f.status ||
    end.firstSeen !== f.firstSeen ||
    end.lastSeen !== f.lastSeen ||
    end.verify !== f.verify
  )
    return false;
  const a = end.waiver;
  const b = f.waiver;
  if (
    a !== b &&
    (a === undefined || b === undefined || a.reason !== b.reason || a.owner !== b.owner || a.expires !== b.expires)
  )
    return false;
  return sameFlatRecord(end.evidence, f.evidence);
}

/**
 * Prints findings as `JSON.stringify(jsonFinding(f), null, 2)` prints them two levels deep, field by field, with
 * what consecutive findings repeat printed once: findings come sorted by severity and rule, so the rule's title,
 * remediation and most other strings are the previous finding's again (`lastValue`), and the rule's controls and
 * what to collect are shared objects (one per rule, one per distinct list of unreported facts: src/engine/compile.ts)
 * printed once per object (`shared`).
 */
class FindingPrinter {
  private readonly values: unknown[] = new Array(FINDING_KEYS.length);
  private readonly lastValue: unknown[] = new Array(FINDING_KEYS.length);
  private readonly lastText: string[] = new Array(FINDING_KEYS.length);
  private readonly shared = new WeakMap<object, string>();

  /** Texts of the rule's fields, kept while consecutive findings have the same ones (findings come sorted by rule). */
  private rule: RuleTexts | undefined;

  /** The previous typical finding's text from its title on, and what it was made of (`sameEnd`). */
  private end: FindingEnd | undefined;

  /**
   * Set by `text` when the finding's text from its title on is the previous finding's again (`sameEnd`), already
   * encoded; `text` then returns only what comes before it. Open findings of a rule a fleet fails alike (one setting
   * on every VM) share their evidence and times: about two thirds of each one's bytes.
   */
  repeatedEnd: EncodedText | undefined;

  /**
   * The finding's text (the part before `repeatedEnd` when that is set), or undefined when a field is not plain
   * data (the caller then asks JSON.stringify).
   */
  text(f: PrintedFinding): string | undefined {
    this.repeatedEnd = undefined;
    return this.typical(f) ?? this.general(f);
  }

  /**
   * A finding of the usual shape (every field of its type, as the lifecycle and the store give them) in one template,
   * the rule's fields from `rule`; undefined for any other shape, which `general` prints field by field.
   */
  private typical(f: PrintedFinding): string | undefined {
    if (
      typeof f.fingerprint !== 'string' ||
      typeof f.resourceType !== 'string' ||
      typeof f.resourceId !== 'string' ||
      typeof f.status !== 'string' ||
      typeof f.firstSeen !== 'string' ||
      typeof f.lastSeen !== 'string' ||
      (f.resourceName !== undefined && typeof f.resourceName !== 'string') ||
      (f.cluster !== undefined && typeof f.cluster !== 'string') ||
      (f.datacenter !== undefined && typeof f.datacenter !== 'string') ||
      (f.waiver !== undefined &&
        (typeof f.waiver !== 'object' ||
          f.waiver === null ||
          typeof f.waiver.reason !== 'string' ||
          typeof f.waiver.owner !== 'string' ||
          (f.waiver.expires !== undefined && typeof f.waiver.expires !== 'string')))
    )
      return undefined;
    const rule = this.ruleTexts(f);
    if (rule?.tail === undefined) return undefined;
    const k = FINDING_KEYS;
    const start =
      `{${k[0]}${JSON.stringify(f.fingerprint)},${rule.head},${k[4]}${this.entry(4, f.resourceType)}` +
      `,${k[5]}${JSON.stringify(f.resourceId)},${k[6]}${f.resourceName === undefined ? 'null' : JSON.stringify(f.resourceName)}` +
      `,${k[7]}${f.cluster === undefined ? 'null' : this.entry(7, f.cluster)}` +
      `,${k[8]}${f.datacenter === undefined ? 'null' : this.entry(8, f.datacenter)}`;
    const last = this.end;
    if (last !== undefined && sameEnd(last, rule, f)) {
      last.encoded ??= new EncodedText(last.text);
      this.repeatedEnd = last.encoded;
      return start;
    }
    const evidence = f.evidence === undefined ? undefined : prettyJson(f.evidence, 3);
    if (evidence === undefined) return undefined;
    let verify = 'null';
    if (f.verify !== undefined) {
      const text = this.entry(VERIFY, f.verify);
      if (text === undefined) return undefined;
      verify = text;
    }
    const w = f.waiver;
    const waiver =
      w === undefined ? 'null' : prettyJson({ reason: w.reason, owner: w.owner, expires: w.expires ?? null }, 3)!;
    const end =
      `,${rule.title},${k[10]}${evidence},${rule.tail},${k[13]}${this.entry(13, f.status)}` +
      `,${k[14]}${this.entry(14, f.firstSeen)},${k[15]}${this.entry(15, f.lastSeen)},${k[16]}${waiver},${k[VERIFY]}${verify}${lineAt(2)}}`;
    this.end = {
      rule,
      evidence: f.evidence,
      status: f.status,
      firstSeen: f.firstSeen,
      lastSeen: f.lastSeen,
      waiver: w,
      verify: f.verify,
      text: end,
      encoded: undefined,
    };
    return start + end;
  }

  /** The rule's fields' texts for `f` (the previous finding's when the same), or undefined when not all strings. */
  private ruleTexts(f: PrintedFinding) {
    const last = this.rule?.f;
    if (
      last !== undefined &&
      last.ruleId === f.ruleId &&
      last.severity === f.severity &&
      last.category === f.category &&
      last.title === f.title &&
      last.controls === f.controls &&
      last.remediation === f.remediation
    )
      return this.rule;
    if (
      typeof f.ruleId !== 'string' ||
      typeof f.severity !== 'string' ||
      typeof f.category !== 'string' ||
      typeof f.title !== 'string' ||
      typeof f.remediation !== 'string' ||
      typeof f.controls !== 'object' ||
      f.controls === null
    )
      return undefined;
    const k = FINDING_KEYS;
    const controls = this.entry(CONTROLS, f.controls);
    this.rule = {
      f,
      head: `${k[1]}${JSON.stringify(f.ruleId)},${k[2]}${JSON.stringify(f.severity)},${k[3]}${JSON.stringify(f.category)}`,
      title: `${k[9]}${JSON.stringify(f.title)}`,
      tail: controls === undefined ? undefined : `${k[CONTROLS]}${controls},${k[12]}${JSON.stringify(f.remediation)}`,
    };
    return this.rule;
  }

  /** Any finding, field by field as `jsonFinding` gives them (fields JSON.stringify leaves out left out). */
  private general(f: PrintedFinding): string | undefined {
    const values = this.values;
    values[0] = f.fingerprint;
    values[1] = f.ruleId;
    values[2] = f.severity;
    values[3] = f.category;
    values[4] = f.resourceType;
    values[5] = f.resourceId;
    values[6] = f.resourceName ?? null;
    values[7] = f.cluster ?? null;
    values[8] = f.datacenter ?? null;
    values[9] = f.title;
    values[10] = f.evidence;
    values[CONTROLS] = f.controls;
    values[12] = f.remediation;
    values[13] = f.status;
    values[14] = f.firstSeen;
    values[15] = f.lastSeen;
    values[16] =
      f.waiver === undefined
        ? null
        : { reason: f.waiver.reason, owner: f.waiver.owner, expires: f.waiver.expires ?? null };
    values[VERIFY] = f.verify ?? null;
    let out = '';
    for (let i = 0; i < FINDING_KEYS.length; i++) {
      const value = values[i];
      // Left out of the object by JSON.stringify, as a damaged stored finding's missing field would be.
      if (value === undefined) continue;
      const entry = this.entry(i, value);
      if (entry === undefined) return undefined;
      out += `${out === '' ? '{' : ','}${FINDING_KEYS[i]}${entry}`;
    }
    return out === '' ? '{}' : `${out}${lineAt(2)}}`;
  }

  private entry(i: number, value: unknown): string | undefined {
    if (typeof value === 'string') {
      if (value === this.lastValue[i]) return this.lastText[i];
      const text = JSON.stringify(value);
      this.lastValue[i] = value;
      this.lastText[i] = text;
      return text;
    }
    if ((i === CONTROLS || i === VERIFY) && typeof value === 'object' && value !== null) {
      const known = this.shared.get(value);
      if (known !== undefined) return known;
      const text = prettyJson(value, 3);
      if (text !== undefined) this.shared.set(value, text);
      return text;
    }
    return prettyJson(value, 3);
  }
}

/**
 * The text of `toJsonDocument(result)` as `JSON.stringify(…, null, 2)` prints it, except that each unverified
 * group's members are one line each (compact JSON), one finding per piece (two when its end repeats the previous
 * finding's: `formatJsonParts`), a group's members and the compliance view in pieces of about 16 KB and 64 KB, so an
 * audit with hundreds of thousands of findings is written without ever being one string (V8 caps strings at about
 * 512 MB).
 */
export function* formatJsonPieces(result: AuditResult): Generator<string> {
  for (const piece of formatJsonParts(result)) yield typeof piece === 'string' ? piece : piece.text;
}

/**
 * `formatJsonPieces` for a writer that takes encoded pieces (`writePieces`): the end of a finding's text that
 * repeats the previous finding's (`FindingPrinter.repeatedEnd`) is handed over as the bytes encoded the first time,
 * and the groups' members and the compliance view as UTF-8 written into one reused buffer and lent (`LentBytes`:
 * valid until the next piece is asked for, so a reader copies each before it asks again).
 */
export function* formatJsonParts(result: AuditResult): Generator<TextPiece> {
  yield `{\n  "summary": ${nestedJsonText(result.summary, 1)},\n  "findings": [`;
  const printer = new FindingPrinter();
  const findings = result.findings;
  let listed = 0;
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i]!;
    if (isListedUnverified(f)) continue;
    const text = printer.text(f);
    yield `${listed === 0 ? '' : ','}\n    ${text ?? nestedJsonText(jsonFinding(f), 2)}`;
    if (text !== undefined && printer.repeatedEnd !== undefined) yield printer.repeatedEnd;
    listed++;
  }
  yield listed > 0 ? '\n  ],\n  "unverified": [' : '],\n  "unverified": [';
  const groups = groupUnverified(findings);
  const members = new UnverifiedMemberPrinter();
  yield* unverifiedGroupPieces(findings, groups, (f, out) => members.write(f, out));
  yield groups.length > 0 ? '\n  ]' : ']';
  for (const [key, value] of Object.entries(complianceOf(result))) {
    yield `,\n  ${JSON.stringify(key)}: `;
    yield* nestedJsonBytes(value, 1);
  }
  yield '\n}\n';
}
