import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import type { CommandRunner } from '../main';
import { EXIT, InputError, UsageError } from '../exit-codes';
import { addStoreOptions, withStore, type StoreCliOptions } from '../store-options';
import { MAX_PLAN_MOVES, planStored } from '../../app/plan';
import { formatPlan, type PlanFormat } from '../../plan/format-plan';
import type { FleetPlan } from '../../plan/make-plan';
import { commandProgress } from '../command-progress';
import type { VmwareTool } from '../../plan/commands';
import type { PlanGoal } from '../../plan/problem';
import { SimulationInputError } from '../../simulation/compile';
import type { Profile } from '../../engine/types';

interface PlanCliOptions extends StoreCliOptions {
  goal: PlanGoal;
  maxMoves: string;
  format: PlanFormat;
  vmwareTool: VmwareTool;
  traces?: string;
  trials: string;
  rules?: string;
  profile: Profile;
  out?: string;
}

function integer(flag: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
}

/** `67 migrations, 0 hosts to maintenance, 2 findings no move clears`. */
export function planSummary(plan: FleetPlan): string {
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  return `${count(plan.steps.length, 'migration')}, ${count(plan.maintenance.length, 'host')} to maintenance, ${count(plan.unresolved.length, 'finding')} no move clears`;
}

export function register(program: Command, run: CommandRunner): void {
  const cmd = program
    .command('plan')
    .description(
      'Plan migrations that clear placement findings (perimeter, trust, replicas, N+1, overload) without adding any, checked by the audit and the simulation (docs/plan.md)',
    )
    .addOption(
      new Option(
        '--goal <goal>',
        'fix: clear findings; balance: then even out CPU; energy: then empty hosts for maintenance',
      )
        .choices(['fix', 'balance', 'energy'])
        .default('fix'),
    )
    .option('--max-moves <n>', `most migrations the plan may use (1-${MAX_PLAN_MOVES})`, '100')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'commands']).default('table'))
    .addOption(
      new Option('--vmware-tool <tool>', 'command printed for vSphere moves')
        .choices(['govc', 'powercli'])
        .default('govc'),
    )
    .option('--traces <dir>', 'folder of the PlanetLab traces that workload.trace names refer to')
    .option('--trials <n>', 'Monte Carlo trials of the before/after availability check', '2000')
    .option('--rules <dir>', 'rules folder (default: the rules built into hyperaudit)')
    .addOption(new Option('--profile <profile>', 'rule profile').choices(['scg', 'stig']).default('scg'))
    .option('--out <file>', 'write the output here instead of stdout');
  addStoreOptions(cmd).action((opts: PlanCliOptions) =>
    run(async () => {
      const maxMoves = integer('--max-moves', opts.maxMoves, 1, MAX_PLAN_MOVES);
      const trials = integer('--trials', opts.trials, 0, 1_000_000);
      try {
        const progress = commandProgress();
        progress.start('plan');
        const plan = await withStore(opts, (store) =>
          planStored(store, {
            goal: opts.goal,
            maxMoves,
            trials,
            vmwareTool: opts.vmwareTool,
            profile: opts.profile,
            ...(opts.rules !== undefined && { rulesDir: opts.rules }),
            ...(opts.traces !== undefined && { tracesDir: opts.traces }),
          }),
        );
        progress.finish(planSummary(plan));
        const text = formatPlan(plan, opts.format);
        if (opts.out !== undefined) {
          await writeFile(opts.out, text);
          // With --out, a one-line summary still tells the user what was planned and where it went.
          process.stderr.write(`wrote ${opts.format} plan to ${opts.out}: ${planSummary(plan)}\n`);
        } else process.stdout.write(text);
        return EXIT.ok;
      } catch (err) {
        if (err instanceof SimulationInputError) throw new InputError(err.message);
        throw err;
      }
    }),
  );
}
