import type { Finding } from '../model/finding';
import { profileOf } from '../engine/fingerprint';
import {
  candidateGroups,
  DigestTexts,
  firstSeenRuns,
  settleGroup,
  viewDigest,
  type CandidateGroups,
} from '../engine/finding-digest';
import { forEachLimit } from '../store/batch';
import { isLeased, type FindingDigestSet, type GroupDigest } from '../store/finding-digests';
import type { FleetStore } from '../store/types';
import { mergeItemsAndPages, unverifiedGroupOf } from '../store/unverified-pages';
import { holdLease } from './digest-lease';

/**
 * The group digests' protocol (docs/audit-read-at-scale.md, "Group digests"; records: src/store/finding-digests.ts).
 *
 * - Every writer of findings leaves a bare token in each group it writes, before it writes (a crash then leaves no
 *   digest for what it changed) and after (a full audit that read the group before the write then cannot vouch for
 *   it: its conditional write finds another token, or its digest is overwritten). Around both it holds a lease on
 *   the groups (`holdLease`): an audit that listed the lease puts no digest in them, since the writer may still write
 *   after the audit's read and be killed before its closing token, which nothing else would tell apart.
 * - A full audit reads the records first, then only the groups whose digest differs from the one its evaluation
 *   gives (plus every finding item, for the crash copies `mergeItemsAndPages` resolves); the other groups' findings
 *   are the evaluation's, with the stored first-seen times. It writes a group's new digest only over a token it
 *   holds: the one it read before reading the group, or the one it wrote itself before writing the group.
 */

/** What surrounds a write of findings in some groups. */
export interface FindingWriteGuard {
  before(groups: readonly string[]): Promise<void>;
  after(groups: readonly string[]): Promise<void>;
}

/** Records are written this many at a time (conditional writes are one request each). */
const IN_FLIGHT = 8;
/** First-seen runs a digest keeps at most (about 40 bytes each): past that the group is simply read. */
const MAX_RUNS = 5_000;

/** The guard of every writer but a full audit: bare tokens in the groups before and after. */
export function plainGuard(store: Pick<FleetStore, 'findingDigests'>, profile: string): FindingWriteGuard | undefined {
  const digests = store.findingDigests;
  if (digests === undefined) return undefined;
  const mark = async (groups: readonly string[]) => {
    if (groups.length > 0) await digests.invalidate(profile, groups);
  };
  return { before: mark, after: mark };
}

/**
 * Runs `write` (which writes findings of `profile` in `groups` only) between `guard`'s steps: by default the bare
 * tokens every writer leaves; a full audit passes its own (`AuditDigests`).
 */
export async function guardFindingWrites<T>(
  store: Pick<FleetStore, 'findingDigests'>,
  profile: string,
  groups: Iterable<string>,
  write: () => Promise<T>,
  guard: FindingWriteGuard | undefined = plainGuard(store, profile),
): Promise<T> {
  const list = [...new Set(groups)];
  const records = store.findingDigests;
  if (guard === undefined || records === undefined || list.length === 0) {
    await guard?.before(list);
    const out = await write();
    await guard?.after(list);
    return out;
  }
  const lease = await holdLease(records, profile, list);
  try {
    await guard.before(list);
    const out = await writeOrUnvouch(store, profile, list, write);
    await guard.after(list);
    await lease.release();
    return out;
  } finally {
    // On failure the lease is left to run out: a write still in flight after the error is covered until then.
    lease.stop();
  }
}

/**
 * Runs `write`; when it fails, leaves bare tokens in `groups` before rethrowing. A full audit that listed this
 * writer's first token while the write ran may have put its digest over it; without the second token that digest
 * would vouch for a group the failed write changed half way (a process killed outright still can: docs/store.md).
 */
async function writeOrUnvouch<T>(
  store: Pick<FleetStore, 'findingDigests'>,
  profile: string,
  groups: readonly string[],
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (err) {
    await plainGuard(store, profile)
      ?.after(groups)
      .catch(() => undefined);
    throw err;
  }
}

/**
 * `guardFindingWrites` over every group that has a record as well as `groups`: for a writer that cannot name every
 * group it writes (the sharded run's commit deletes items without their cluster). One Query of the records first.
 */
export async function guardEveryGroup<T>(
  store: FleetStore,
  profile: string,
  groups: Iterable<string>,
  write: () => Promise<T>,
): Promise<T> {
  const recorded =
    store.findingDigests === undefined ? [] : [...(await store.findingDigests.list(profile)).groups.keys()];
  return guardFindingWrites(store, profile, [...recorded, ...groups], write);
}

/** A full audit's plan: which groups its digests settled, which it reads. */
export interface DigestPlan {
  profile: string;
  set: FindingDigestSet;
  /** Every stored finding is read (no complete set of records yet, or an older table's pages to rewrite). */
  readAll: boolean;
  groups: CandidateGroups;
  digests: Map<string, string>;
  /** Groups whose stored findings are read and compared. */
  loud: Set<string>;
  /** Per candidate, the stored first-seen time of one in a settled group. */
  firstSeen: (string | undefined)[];
}

const EMPTY_DIGEST = viewDigest([], []);

/** Compares the candidates' digests with the stored ones, group by group. */
export function planDigests(
  candidates: readonly Finding[],
  profile: string,
  set: FindingDigestSet,
  readAll: boolean,
): DigestPlan {
  const groups = candidateGroups(candidates);
  const digests = new Map<string, string>();
  const loud = new Set<string>();
  const firstSeen: (string | undefined)[] = new Array(candidates.length);
  // The rules' fields and the lists of what to collect recur in every group: their texts are made once for all.
  const texts = new DigestTexts();
  for (const [group, indexes] of groups) {
    const digest = viewDigest(candidates, indexes, texts);
    digests.set(group, digest);
    const stored = set.groups.get(group)?.digest;
    const settled =
      !readAll && set.complete && stored?.digest === digest && settleGroup(stored.firstSeen, indexes, firstSeen);
    if (!settled) loud.add(group);
  }
  // A group with stored findings and no candidate left: they resolve, so it is read (unless it was empty).
  for (const [group, entry] of set.groups)
    if (!groups.has(group) && (readAll || entry.digest?.digest !== EMPTY_DIGEST)) loud.add(group);
  return { profile, set, readAll, groups, digests, loud, firstSeen };
}

/** Groups whose record is a bare token: known to need reading before anything is evaluated. */
export function groupsKnownLoud(set: FindingDigestSet): string[] {
  return [...set.groups].filter(([, e]) => e.digest === undefined).map(([g]) => g);
}

/** What an audit read of the stored findings: every one, or the items and some groups' pages. */
export interface GroupRead {
  items: Finding[];
  pages: Finding[];
  /** Groups whose pages `pages` holds. */
  groups: Set<string>;
}

/** Every stored finding, as one read (`groups` holds `*`). */
export async function readEveryGroup(store: FleetStore): Promise<GroupRead> {
  return { items: await store.listFindings(), pages: [], groups: new Set(['*']) };
}

/** Reads the finding items and the named groups' pages (one Query each), or everything when the store cannot. */
export async function readGroups(store: FleetStore, groups: readonly string[]): Promise<GroupRead> {
  if (store.listFindingItems === undefined || store.listUnverifiedFindings === undefined) return readEveryGroup(store);
  const [items, pages] = await Promise.all([
    store.listFindingItems(),
    groups.length > 0 ? store.listUnverifiedFindings(groups) : Promise.resolve([]),
  ]);
  return { items, pages, groups: new Set(groups) };
}

/** The pages of more groups, beside a read already done. */
export async function readMorePages(store: FleetStore, read: GroupRead, groups: readonly string[]): Promise<GroupRead> {
  if (read.groups.has('*')) return read;
  const more = groups.filter((g) => !read.groups.has(g));
  if (more.length === 0) return read;
  const pages = await store.listUnverifiedFindings!(more);
  return { items: read.items, pages: [...read.pages, ...pages], groups: new Set([...read.groups, ...more]) };
}

/**
 * The stored findings the lifecycle compares with: those of the loud groups, and every resolved one (no digest
 * covers them: a hit that reopens one takes its first-seen time, wherever it was stored).
 */
export function loudPrevious(read: GroupRead, loud: ReadonlySet<string>): Finding[] {
  const merged = mergeItemsAndPages(read.items, read.pages);
  if (read.groups.has('*')) return merged;
  return merged.filter((f) => f.status === 'resolved' || loud.has(unverifiedGroupOf(f)));
}

/**
 * The audit's guard and the digests it leaves: each loud group's digest over its findings after the lifecycle (the
 * candidates, their first-seen times settled by then), none for a group holding unresolved findings of rules this
 * audit did not load (they stay as stored, and no digest of the candidates describes them).
 */
export class AuditDigests implements FindingWriteGuard {
  /** Tokens the audit wrote before writing a group; undefined where another writer's was there. */
  private readonly own = new Map<string, string | undefined>();
  private readonly unloaded = new Set<string>();

  constructor(
    private readonly store: FleetStore,
    private readonly plan: DigestPlan,
    private readonly candidates: readonly Finding[],
    previous: readonly Finding[],
    ruleIds: ReadonlySet<string>,
  ) {
    for (const f of previous)
      if (f.status !== 'resolved' && profileOf(f) === plan.profile) {
        const group = unverifiedGroupOf(f);
        // Read whole, so every group holding findings gets a record (what the completeness mark promises).
        if (plan.readAll) plan.loud.add(group);
        if (!ruleIds.has(f.ruleId)) this.unloaded.add(group);
      }
  }

  private get records() {
    return this.store.findingDigests!;
  }

  private read(group: string): string | undefined {
    return this.plan.set.groups.get(group)?.token;
  }

  private vouch(group: string): GroupDigest | undefined {
    // A writer that held a lease on the group when the audit listed the records may have written after the audit
    // read it (and died before its closing token): the group keeps a bare token, and is read again next time.
    if (this.unloaded.has(group) || isLeased(this.plan.set, group)) return undefined;
    const runs = firstSeenRuns(this.candidates, this.plan.groups.get(group) ?? []);
    if (runs.length > MAX_RUNS) return undefined;
    return { digest: this.plan.digests.get(group) ?? EMPTY_DIGEST, firstSeen: runs };
  }

  async before(groups: readonly string[]): Promise<void> {
    const { profile } = this.plan;
    await forEachLimit(groups, IN_FLIGHT, async (g) => {
      const token = await this.records.putIf(profile, g, this.read(g), undefined);
      if (token === undefined) await this.records.invalidate(profile, [g]);
      this.own.set(g, token);
    });
  }

  async after(groups: readonly string[]): Promise<void> {
    const { profile } = this.plan;
    await forEachLimit(groups, IN_FLIGHT, async (g) => {
      const token = this.own.get(g);
      const digest = this.plan.loud.has(g) ? this.vouch(g) : undefined;
      if (token !== undefined && digest !== undefined && (await this.records.putIf(profile, g, token, digest))) return;
      await this.records.invalidate(profile, [g]);
    });
  }

  /**
   * The loud groups this audit did not write: their digest over the token read before they were (or, for lack of
   * one, a bare token, so a group known to hold findings has a record). Then the completeness mark, when this audit
   * read every finding.
   */
  async finish(): Promise<void> {
    const { profile } = this.plan;
    const rest = [...this.plan.loud].filter((g) => !this.own.has(g));
    await forEachLimit(rest, IN_FLIGHT, async (g) => {
      const digest = this.vouch(g);
      if (digest !== undefined) await this.records.putIf(profile, g, this.read(g), digest);
      else await this.records.invalidate(profile, [g]);
    });
    if (this.plan.readAll && !this.plan.set.complete) await this.records.markComplete(profile);
  }
}
