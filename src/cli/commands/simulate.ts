import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import type { CommandRunner } from '../main';
import { EXIT, InputError, UsageError } from '../exit-codes';
import { addStoreOptions, withStore, type StoreCliOptions } from '../store-options';
import { commandProgress } from '../command-progress';
import { outputWidth } from '../terminal-style';
import { readInputFile } from '../read-input-file';
import { DEFAULT_TABLE_WIDTH } from '../../report/formats/table';
import {
  loadTraceDirectory,
  runSimulation,
  simulateStored,
  tracesForFleet,
  type SimulationOptions,
} from '../../app/simulate';
import { workloadTraceNames } from '../../model/trace-name';
import { SimulationInputError } from '../../simulation/compile';
import { simulateCloudSim, type CloudSimResult } from '../../simulation/cloudsim';
import { formatCloudSim, formatSimulation, formatWhatIf } from '../../simulation/format';
import { parseScenario, parseWhatIf, type WhatIfChange } from '../../simulation/scenario';
import { applyWhatIf, compareResults } from '../../simulation/what-if';
import { jsonErrorMessage } from '../../sources/json-position';
import type { Fleet } from '../../model/fleet';
import type { Trace } from '../../simulation/trace';
import { z } from 'zod';
import { formatConsolidation } from '../../simulation/consolidation/format-consolidation';
import { PerimeterMapError } from '../../simulation/consolidation/perimeters';
import { CONSOLIDATION_POLICIES, type ConsolidationPolicy } from '../../simulation/consolidation/policies';
import { runConsolidation, type ConsolidationRun } from '../../simulation/consolidation/run-consolidation';
import { systemClock } from '../../model/ports/clock';
import { chunkPieces } from '../../report/formats/json-pieces';
import { jsonDocumentLines } from '../json-object-pieces';
import { writeTextPieces } from '../write-pieces';

interface SimulateCliOptions extends StoreCliOptions {
  scenario?: string;
  traces?: string;
  steps?: string;
  stepSeconds?: string;
  trials?: string;
  seed?: string;
  start?: string;
  whatIf?: string;
  accounting: 'native' | 'cloudsim';
  policy?: ConsolidationPolicy;
  perimeters?: string;
  format: 'table' | 'json';
  out?: string;
}

function integer(flag: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
}

async function readJsonFile(path: string, what: string): Promise<unknown> {
  const text = readInputFile(path, what);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InputError(`${path}: not valid JSON (${jsonErrorMessage(err)})`);
  }
}

/** `--perimeters` file: trace file name → perimeter name. */
const PerimeterMapSchema = z.record(z.string().min(1), z.string().min(1).max(200));

async function readPerimeterMap(path: string): Promise<Record<string, string>> {
  const parsed = PerimeterMapSchema.safeParse(await readJsonFile(path, 'perimeter map'));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `${path}: expected an object of trace name → perimeter name${issue ? ` (${issue.path.join('.') || 'root'}: ${issue.message})` : ''}`,
    );
  }
  return parsed.data;
}

function consolidationJson(r: ConsolidationRun) {
  return { kind: 'hyperaudit.simulation.consolidation', accounting: 'cloudsim', ...r };
}

function cloudSimJson(r: CloudSimResult) {
  const { placement, traceNames, ...rest } = r;
  return {
    kind: 'hyperaudit.simulation.cloudsim',
    accounting: 'cloudsim',
    ...rest,
    placement: Object.fromEntries(traceNames.map((n, i) => [n, placement[i]!])),
  };
}

export function register(program: Command, run: CommandRunner): void {
  const cmd = program
    .command('simulate')
    .description('Replay the fleet over time and score performance, availability and energy risk (docs/simulation.md)')
    .option(
      '--scenario <file>',
      'simulate this self-contained fleet (JSON {hosts, vms, perimeters?, start?}) instead of the store',
    )
    .option('--traces <dir>', 'folder of PlanetLab-format traces that workload.trace names refer to')
    .option('--steps <n>', 'number of steps (default 288)')
    .option('--step-seconds <s>', 'seconds per step (default 300)')
    .option(
      '--start <iso>',
      'time of step 0 (default: the window ends at the newest stored event; scenarios: their start)',
    )
    .option('--trials <n>', 'Monte Carlo availability trials (default 10000)')
    .option('--seed <n>', 'seed for synthetic workloads and failure draws (default 1)')
    .option(
      '--what-if <file>',
      'JSON list of changes (migrate, maintenance, remove-host, add-host, consolidate); prints score deltas',
    )
    .addOption(
      new Option('--accounting <mode>', 'native, or CloudSim 4.0 PlanetLab accounting over --traces')
        .choices(['native', 'cloudsim'])
        .default('native'),
    )
    .addOption(
      new Option(
        '--policy <name>',
        'with --accounting cloudsim: CloudSim 4.0 dynamic consolidation (thr/iqr/mad/lr/lrr with MMT) or hyperaudit’s perimeter-aware policy',
      ).choices([...CONSOLIDATION_POLICIES]),
    )
    .option(
      '--perimeters <file>',
      'with --policy: JSON object of trace name → perimeter (default: the PlanetLab slice in each trace name)',
    )
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('--out <file>', 'write the output here instead of stdout');
  addStoreOptions(cmd).action((opts: SimulateCliOptions) =>
    run(async () => {
      const simOpts: SimulationOptions = {};
      const progress = commandProgress();
      /** Runs one step of the simulation under a progress line (a terminal on stderr only). */
      const step = async <T>(name: string, work: () => T | Promise<T>, detail: (r: T) => string): Promise<T> => {
        progress.start(name);
        const value = await work();
        progress.finish(detail(value));
        return value;
      };
      const steps = integer('--steps', opts.steps, 1, 100_000);
      const stepSeconds = integer('--step-seconds', opts.stepSeconds, 1, 86_400);
      const trials = integer('--trials', opts.trials, 0, 10_000_000);
      const seed = integer('--seed', opts.seed, 0, 4_294_967_295);
      if (steps !== undefined) simOpts.steps = steps;
      if (stepSeconds !== undefined) simOpts.stepSeconds = stepSeconds;
      if (trials !== undefined) simOpts.trials = trials;
      if (seed !== undefined) simOpts.seed = seed;
      if (opts.start !== undefined) {
        if (Number.isNaN(Date.parse(opts.start)))
          throw new UsageError(`--start ${JSON.stringify(opts.start)} is not a date-time`);
        simOpts.start = new Date(opts.start).toISOString();
      }
      // Only tables read on this terminal take its width; a file gets the portable default.
      const tableWidth = opts.out === undefined ? outputWidth(process.stdout) : DEFAULT_TABLE_WIDTH;
      const emit = async (text: string) => {
        if (opts.out === undefined) {
          process.stdout.write(text);
          return;
        }
        // Encoded once: at 100k VMs the JSON is 75 MB, and writing the text then counting its bytes encoded it twice.
        const bytes = Buffer.from(text, 'utf8');
        await writeFile(opts.out, bytes);
        // With --out, a one-line summary still tells the user what was written where.
        process.stderr.write(`wrote ${opts.format} simulation to ${opts.out} (${bytes.length} bytes)\n`);
      };
      /** A document too large to hold as one string (the full result at 100k VMs), written as it is encoded. */
      const emitJson = async (value: unknown) => {
        const bytes = await writeTextPieces(chunkPieces(jsonDocumentLines(value)), opts.out);
        if (opts.out !== undefined)
          process.stderr.write(`wrote ${opts.format} simulation to ${opts.out} (${bytes} bytes)\n`);
      };
      try {
        if (opts.accounting === 'cloudsim') {
          if (opts.traces === undefined)
            throw new UsageError('--accounting cloudsim needs --traces <dir> (one PlanetLab day)');
          if (opts.scenario !== undefined || opts.whatIf !== undefined)
            throw new UsageError(
              '--accounting cloudsim runs CloudSim’s own scenario; it takes no --scenario or --what-if',
            );
          const traces = await step(
            'traces',
            () => loadTraceDirectory(opts.traces as string),
            (t) => `${t.size} traces`,
          );
          if (opts.policy !== undefined) {
            const perimeters = opts.perimeters !== undefined ? await readPerimeterMap(opts.perimeters) : undefined;
            let run: ConsolidationRun;
            try {
              const policy = opts.policy;
              run = await step(
                'consolidate',
                () =>
                  runConsolidation([...traces.values()], policy, {
                    ...(stepSeconds !== undefined ? { stepSeconds } : {}),
                    ...(perimeters ? { perimeters } : {}),
                  }),
                () => `policy ${policy}`,
              );
            } catch (err) {
              if (err instanceof PerimeterMapError) throw new InputError(`${opts.perimeters}: ${err.message}`);
              throw err;
            }
            await emit(
              opts.format === 'json'
                ? `${JSON.stringify(consolidationJson(run), null, 2)}\n`
                : formatConsolidation(run),
            );
            return EXIT.ok;
          }
          if (opts.perimeters !== undefined) throw new UsageError('--perimeters needs --policy');
          const result = await step(
            'simulate',
            () => simulateCloudSim([...traces.values()], stepSeconds !== undefined ? { stepSeconds } : {}),
            () => 'CloudSim accounting',
          );
          await emit(
            opts.format === 'json' ? `${JSON.stringify(cloudSimJson(result), null, 2)}\n` : formatCloudSim(result),
          );
          return EXIT.ok;
        }
        if (opts.policy !== undefined || opts.perimeters !== undefined)
          throw new UsageError('--policy and --perimeters need --accounting cloudsim');
        const changes: WhatIfChange[] | undefined =
          opts.whatIf !== undefined
            ? parseWhatIf(await readJsonFile(opts.whatIf, 'what-if file'), opts.whatIf)
            : undefined;

        let fleet: Fleet | undefined;
        if (opts.scenario !== undefined) {
          const scenario = parseScenario(await readJsonFile(opts.scenario, 'scenario'), opts.scenario);
          fleet = scenario.fleet;
          if (simOpts.start === undefined && scenario.start !== undefined) simOpts.start = scenario.start;
        }
        let traces: Map<string, Trace> | undefined;
        const traceDir = opts.traces;
        if (traceDir !== undefined)
          traces = await step(
            'traces',
            () => loadTraceDirectory(traceDir, fleet ? workloadTraceNames(fleet) : undefined),
            (t) => `${t.size} traces`,
          );
        if (traces) simOpts.traces = traces;

        if (changes) {
          const stored = fleet;
          const base = await step(
            'fleet',
            () =>
              stored ??
              withStore(opts, async (store) => {
                const loaded = await store.loadFleet();
                // Without --traces, the traces recorded for this store (the demo's samples) serve both runs.
                simOpts.traces ??= await tracesForFleet(store, loaded, undefined);
                return loaded;
              }),
            (f) => `${f.hosts.size} hosts, ${f.vms.size} VMs`,
          );
          const applied = applyWhatIf(base, changes);
          const before = await step(
            'before',
            () => runSimulation(base, simOpts),
            (r) => `${r.window.steps} steps`,
          );
          const after = await step(
            'after',
            () => runSimulation(applied.fleet, simOpts),
            () => `${changes.length} changes applied`,
          );
          const report = compareResults(changes, applied.notes, before, after);
          await emit(
            opts.format === 'json'
              ? `${JSON.stringify({ kind: 'hyperaudit.simulation.what-if', ...report }, null, 2)}\n`
              : formatWhatIf(report, undefined, tableWidth),
          );
          return EXIT.ok;
        }
        const scenarioFleet = fleet;
        const result = await step(
          'simulate',
          async () =>
            scenarioFleet
              ? runSimulation(scenarioFleet, simOpts)
              : (await withStore(opts, (store) => simulateStored(store, { ...simOpts, clock: systemClock }))).result,
          (r) => `${r.window.steps} steps × ${r.window.stepSeconds}s, ${r.trials} trials`,
        );
        if (opts.format === 'json') await emitJson(result);
        else await emit(formatSimulation(result, undefined, tableWidth));
        return EXIT.ok;
      } catch (err) {
        if (err instanceof SimulationInputError) throw new InputError(err.message);
        throw err;
      }
    }),
  );
}
