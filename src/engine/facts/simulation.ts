import { fact, type FactDef } from './define';

/**
 * Simulation facts. When no simulation result is stored, `simulated` is false; simulation rules list
 * `appliesTo: {"simulated": [true]}` so they are skipped (neither pass nor fail) rather than reading null.
 */
export const hostSimulationFacts: FactDef<'host'>[] = [
  fact<'host'>({
    id: 'simulated',
    description: 'A stored simulation result covers this host.',
    compute: (ctx) => ctx.index.simulation?.has(ctx.host.id) ?? false,
  }),
  fact<'host'>({
    id: 'sim.overloadedTimeFraction',
    description: 'Fraction of simulated time the host was overloaded (0–1); null without a simulation result.',
    compute: (ctx) => ctx.index.simulation?.get(ctx.host.id)?.overloadedTimeFraction ?? null,
  }),
  fact<'host'>({
    id: 'sim.result',
    description: 'All numeric figures the simulation stored for the host; null without a simulation result.',
    compute: (ctx) => ctx.index.simulation?.get(ctx.host.id) ?? null,
  }),
];
