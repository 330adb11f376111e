import { isListedUnverified, type PrintedFinding, unverifiedHead } from './json-finding';
import type { TextPiece } from './encoded-text';
import { asciiBytes, JsonBytes } from './json-bytes';
import { lineAt, nestedJsonText } from './pretty-json';

/**
 * Unverified findings that print the same head (`unverifiedHead`: rule, texts, controls, status, last seen, waiver,
 * what to collect), listed once in `audit --format json`'s `unverified` with their members' own fields beside.
 */
export interface UnverifiedGroup {
  /** The head as the document prints it two levels deep (`nestedJsonText(unverifiedHead(f), 2)`). */
  readonly headText: string;
  /** How many members. */
  readonly count: number;
  /**
   * Where the members are in the result's findings, in their order there: `[start, end)` pairs of indexes, in each of
   * which every listed unverified finding is a member (the others are not). The findings come sorted by severity and
   * rule, so a group is a handful of runs, not a list of 730,000 indexes grown by push (new memory: page faults).
   */
  readonly runs: readonly number[];
}

/** A group as it is built: its count and its last run's end are still moving. */
interface Building {
  headText: string;
  count: number;
  runs: number[];
}

/** The indexes of `group`'s members in `findings` (the result's, that `groupUnverified` was given), in order. */
export function memberIndexes(findings: readonly PrintedFinding[], group: UnverifiedGroup): number[] {
  const out: number[] = [];
  const runs = group.runs;
  for (let r = 0; r < runs.length; r += 2)
    for (let i = runs[r]!; i < runs[r + 1]!; i++) if (isListedUnverified(findings[i]!)) out.push(i);
  return out;
}

/** Whether `a` and `b` have the same head fields (objects by identity): then their heads print alike. */
function sameHeadFields(a: PrintedFinding, b: PrintedFinding): boolean {
  return (
    a.ruleId === b.ruleId &&
    a.severity === b.severity &&
    a.category === b.category &&
    a.resourceType === b.resourceType &&
    a.title === b.title &&
    a.controls === b.controls &&
    a.remediation === b.remediation &&
    a.status === b.status &&
    a.lastSeen === b.lastSeen &&
    a.waiver === b.waiver &&
    a.verify === b.verify
  );
}

/**
 * The unverified findings grouped by the text of their head, groups in the order of their first member. Findings
 * come sorted by severity and rule, so a finding usually has the previous unverified one's head fields (the rule's
 * shared objects: src/engine/compile.ts) and joins its group without printing its head; a head that differs by
 * anything JSON shows (another rule, what to collect, last seen, a waiver) is printed and makes or finds its group.
 */
export function groupUnverified(findings: readonly PrintedFinding[]): UnverifiedGroup[] {
  const groups: Building[] = [];
  const byHead = new Map<string, Building>();
  let previous: PrintedFinding | undefined;
  let group: Building | undefined;
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i]!;
    if (!isListedUnverified(f)) continue;
    if (group === undefined || previous === undefined || !sameHeadFields(previous, f)) {
      const headText = nestedJsonText(unverifiedHead(f), 2);
      let next = byHead.get(headText);
      if (next === undefined) {
        next = { headText, count: 0, runs: [] };
        byHead.set(headText, next);
        groups.push(next);
      }
      if (next !== group) {
        // The run before ends here (any finding between it and this one is not listed unverified: no member).
        if (group !== undefined) group.runs[group.runs.length - 1] = i;
        next.runs.push(i, findings.length);
        group = next;
      }
      previous = f;
    }
    group.count++;
  }
  return groups;
}

/** The end of a group's head text: its object's closing brace, two levels deep. */
const HEAD_CLOSE = `${lineAt(2)}}`;
const COUNT_KEY = `,${lineAt(3)}"count": `;
const RESOURCES_KEY = `,${lineAt(3)}"resources": [`;
const MEMBER_LINE = lineAt(4);
const RESOURCES_CLOSE = `${lineAt(3)}]${HEAD_CLOSE}`;

/**
 * A group's text up to its first member: the head (an object with at least the waiver and what to collect, never
 * left out, so it ends in its closing brace), then `count` and the opening of `resources`.
 */
export function groupOpening(group: UnverifiedGroup): string {
  const head = group.headText;
  if (!head.endsWith(HEAD_CLOSE)) throw new Error('groupOpening: a group head is not an object');
  return `${head.slice(0, -HEAD_CLOSE.length)}${COUNT_KEY}${group.count}${RESOURCES_KEY}`;
}

/** Bytes of member lines gathered into one piece: many short lines, fewer pieces for the writer. */
const MEMBER_RUN_BYTES = 1 << 14;
const NEXT_MEMBER = asciiBytes(`,${MEMBER_LINE}`);
const FIRST_MEMBER = asciiBytes(MEMBER_LINE);
const GROUP_CLOSE = asciiBytes(RESOURCES_CLOSE);

/**
 * The `unverified` array's entries (the text between its brackets), two levels deep: each group's head once, then
 * its members one per line as compact JSON (`writeMember`), written as UTF-8 into one buffer lent out every 16 KB or
 * so (`LentBytes`).
 */
export function* unverifiedGroupPieces(
  findings: readonly PrintedFinding[],
  groups: readonly UnverifiedGroup[],
  writeMember: (f: PrintedFinding, out: JsonBytes) => void,
): Generator<TextPiece> {
  const out = new JsonBytes(MEMBER_RUN_BYTES);
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g]!;
    out.text(`${g === 0 ? '' : ','}${lineAt(2)}${groupOpening(group)}`);
    const runs = group.runs;
    let first = true;
    for (let r = 0; r < runs.length; r += 2) {
      for (let i = runs[r]!; i < runs[r + 1]!; i++) {
        const f = findings[i]!;
        if (!isListedUnverified(f)) continue;
        out.bytes(first ? FIRST_MEMBER : NEXT_MEMBER);
        first = false;
        writeMember(f, out);
        if (out.full) yield out.lend()!;
      }
    }
    out.bytes(GROUP_CLOSE);
  }
  const last = out.lend();
  if (last !== undefined) yield last;
}
