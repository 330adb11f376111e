import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCompliance } from '../../src/engine/compliance';
import type { LoadedRule, RuleCoverage } from '../../src/engine/types';
import type { Finding } from '../../src/model/finding';
import { loadedRule } from '../support/loaded-rule';

/**
 * buildCompliance places each finding's status by position in its rule's evaluated list. Against the lookup it
 * replaced (a map per rule and resource type of the unresolved findings by resource id, a later finding winning), on
 * lists with repeated ids, lists shared between rules, findings of unknown rules, of other types and of resources
 * not evaluated, and rules sharing an id.
 */
// Ids that sort otherwise by locale or as numbers than by code unit (the order lists are searched in): upper before
// lower case, accents and astral characters after ASCII, '10' before '9'.
const IDS = ['h1', 'h2', 'h3', '__proto__', 'constructor', '', 'Z', 'a', 'é', 'f', '10', '9', '\ud83d\ude00', '\uffff'];
const RULE_IDS = ['a', 'b', 'c', '__proto__'];
const TYPES = ['host', 'vm'] as const;

const rule = (id: string, resourceType: LoadedRule['resourceType']) =>
  loadedRule(id, [{ framework: 'cis', id: `c-${id}` }], resourceType);

const arbitraryFinding = fc
  .tuple(
    fc.constantFrom(...RULE_IDS, 'unknown'),
    fc.constantFrom(...TYPES),
    fc.constantFrom(...IDS, 'not-evaluated'),
    fc.constantFrom('open', 'waived', 'unverified', 'resolved'),
  )
  .map(
    ([ruleId, resourceType, resourceId, status]): Finding => ({
      fingerprint: `${ruleId}/${resourceType}/${resourceId}`,
      ruleId,
      pack: 'hardening',
      severity: 'high',
      category: 'hardening',
      resourceType,
      resourceId,
      title: 't',
      evidence: {},
      controls: [],
      remediation: 'x',
      status,
      firstSeen: '2026-01-01',
      lastSeen: '2026-01-01',
    }),
  );

/** The old lookup: per rule and type, the last unresolved finding of each resource. */
function expectedIds(rules: readonly LoadedRule[], coverage: readonly RuleCoverage[], findings: readonly Finding[]) {
  const cov = new Map(coverage.map((c) => [c.ruleId, c]));
  return [...rules]
    .sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
    .map((r) => {
      const byId = new Map<string, Finding>();
      for (const f of findings)
        if (f.status !== 'resolved' && f.ruleId === r.id && f.resourceType === r.resourceType)
          byId.set(f.resourceId, f);
      const c = cov.get(r.id);
      const unknown = new Set(c?.unverifiedIds ?? []);
      const out = { failIds: [] as string[], waivedIds: [] as string[], unverifiedIds: [] as string[], pass: 0 };
      for (const id of c?.resourceIds ?? []) {
        const s = byId.get(id)?.status;
        if (s === 'open') out.failIds.push(id);
        else if (s === 'waived') out.waivedIds.push(id);
        else if (s === 'unverified' || unknown.has(id)) out.unverifiedIds.push(id);
        else out.pass++;
      }
      return { ruleId: r.id, ...out };
    });
}

describe('Function: buildCompliance, statuses by position', () => {
  it('gives every rule and resource the outcome the per-rule map of findings gave', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.constantFrom(...RULE_IDS), fc.constantFrom(...TYPES)), {
          minLength: 1,
          selector: ([id, type]) => `${id}/${type}`,
        }),
        // Repeated ids come from a sharded audit's merge, which sorts its lists; a whole-fleet one lists each id once
        // in id order (found by binary search); any other order is read through a map of first positions.
        fc.array(
          fc.oneof(
            fc.array(fc.constantFrom(...IDS), { maxLength: 8 }).map((ids) => ids.sort()),
            fc.uniqueArray(fc.constantFrom(...IDS), { maxLength: 8 }).map((ids) => ids.sort()),
            fc.uniqueArray(fc.constantFrom(...IDS), { maxLength: 8 }),
          ),
          { minLength: 1, maxLength: 3 },
        ),
        // Which of the list's ids rest on unreported facts, listed in the list's order as the evaluation lists them.
        // Every id of a list among them (no walk when nothing fails or is waived on it).
        fc.array(
          fc.tuple(fc.nat(), fc.oneof(fc.array(fc.boolean(), { maxLength: 8 }), fc.constant(Array(8).fill(true)))),
          { maxLength: 4 },
        ),
        // As the audit gives them (by rule, then resource id) or in any order.
        fc.tuple(fc.array(arbitraryFinding, { maxLength: 30 }), fc.boolean()),
        (ruleKeys, lists, covered, [drawn, inOrder]) => {
          const findings = inOrder
            ? [...drawn].sort(
                (a, b) =>
                  (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
                  (a.resourceId < b.resourceId ? -1 : a.resourceId > b.resourceId ? 1 : 0),
              )
            : drawn;
          const rules = ruleKeys.map(([id, type]) => rule(id, type));
          // Rules of a group share one list object, as the evaluation hands them.
          const coverage: RuleCoverage[] = RULE_IDS.map((ruleId, i) => {
            const [pick, marks] = covered[i] ?? [i, []];
            const resourceIds = lists[pick % lists.length]!;
            return { ruleId, resourceIds, unverifiedIds: resourceIds.filter((_, k) => marks[k] === true) };
          });
          const record = buildCompliance({
            at: '2026-01-01',
            profile: 'scg',
            rules,
            coverage,
            findings,
            resources: { host: 10, vm: 10 } as never,
          });
          const got = record.rules.map((r) => ({
            ruleId: r.ruleId,
            failIds: r.failIds,
            waivedIds: r.waivedIds,
            unverifiedIds: r.unverifiedIds,
            pass: r.pass,
          }));
          expect(got).toEqual(expectedIds(rules, coverage, findings));
          for (const r of record.rules) {
            expect(r.fail).toBe(r.failIds.length);
            expect(r.waived).toBe(r.waivedIds.length);
            expect(r.unverified).toBe(r.unverifiedIds.length);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
