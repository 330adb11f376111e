import type { EntityState, Stamp } from './entity-state';

const after = (stamp: Stamp | undefined, cutoffMs: number): boolean =>
  stamp !== undefined && Date.parse(stamp.time) > cutoffMs;

type StampedValues = EntityState['fields'];

/** The values of a field map (fields or lineage) written at or before the cutoff, and whether any was not. */
function stampedBefore(source: StampedValues, cutoffMs: number): { values: StampedValues; dropped: boolean } {
  let dropped = false;
  const values: StampedValues = {};
  for (const [path, field] of Object.entries(source)) {
    if (after(field.s, cutoffMs)) dropped = true;
    else values[path] = field;
  }
  return { values, dropped };
}

/**
 * The state without anything written by events dated after `cutoffMs` (the clock-skew policy's limit), and
 * whether anything was dropped. A snapshot folded before the policy existed can hold such stamps; left in,
 * they would win every later comparison. Values they overwrote come back from the event items still stored.
 */
export function withoutStampsAfter(state: EntityState, cutoffMs: number): { state: EntityState; changed: boolean } {
  const kept = stampedBefore(state.fields, cutoffMs);
  let changed = kept.dropped;
  const fields = kept.values;
  let lineage: EntityState['lineage'];
  if (state.lineage) {
    const keptLineage = stampedBefore(state.lineage, cutoffMs);
    if (keptLineage.dropped) changed = true;
    lineage = keptLineage.values;
  }
  const movements = state.movements.filter((m) => Date.parse(m.time) <= cutoffMs);
  if (movements.length !== state.movements.length) changed = true;
  const out: EntityState = { kind: state.kind, id: state.id, fields, movements };
  for (const key of ['seen', 'removed', 'last'] as const) {
    const stamp = state[key];
    if (stamp === undefined) continue;
    if (after(stamp, cutoffMs)) changed = true;
    else out[key] = stamp;
  }
  if (lineage !== undefined) out.lineage = lineage;
  if (state.placements) {
    const placements = state.placements.filter((p) => !after(p.s, cutoffMs));
    if (placements.length !== state.placements.length) changed = true;
    out.placements = placements;
  }
  if (state.power) {
    const offs = state.power.offs?.filter((s) => !after(s, cutoffMs));
    const power: NonNullable<EntityState['power']> = {};
    if (state.power.notOff !== undefined && !after(state.power.notOff, cutoffMs)) power.notOff = state.power.notOff;
    if (offs && offs.length > 0) power.offs = offs;
    if (power.notOff !== state.power.notOff || offs?.length !== state.power.offs?.length) changed = true;
    out.power = power;
  }
  return changed ? { state: out, changed } : { state, changed };
}
