import { writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import type { Command } from 'commander';
import { SEVERITIES } from '../../model/finding';
import { findingsByCategory, runDemo, type DemoResult } from '../../server/demo-run';
import { stepReporter } from '../../server/step-progress';
import { TABLE } from '../../store/table';
import { DEFAULT_RULES_DIR, loadRules, RuleLoadError } from '../../engine/load-rules';
import type { LoadedRule } from '../../engine/types';
import { EXIT, InputError } from '../exit-codes';
import { PARAMS_OPTION_HELP, readParamsFile } from '../params-option';
import type { CommandRunner } from '../main';
import { DEMO_MARKER, dataDirFlag, prepareDataDir } from '../demo-data-dir';
import { DEFAULT_DATA_DIR } from '../default-data-dir';
import { withStore } from '../store-options';

const SAMPLES = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'samples');
const CATEGORIES = ['hardening', 'perimeter', 'consolidation', 'simulation'];

interface DemoCliOptions {
  dataDir?: string;
  keep?: boolean;
  out?: string;
  samples: string;
  params?: string;
}

/** The shipped rules with the site's `--params`; a bad params file exits 1 before anything is written. */
function loadRulesOrRefuse(paramsFile: string | undefined): LoadedRule[] {
  try {
    return loadRules(DEFAULT_RULES_DIR, paramsFile !== undefined ? { paramOverrides: readParamsFile(paramsFile) } : {});
  } catch (err) {
    if (err instanceof RuleLoadError) throw new InputError(err.message);
    throw err;
  }
}

function summaryTable(result: DemoResult): string {
  // Unverified (failing only on defaults nobody reported) stand apart from the observed, open ones.
  const head = ['category', ...SEVERITIES, 'unverified', 'waived', 'total'];
  const table = new Table({ head, style: { head: [], border: [], compact: true } });
  const counts = findingsByCategory(result.findings);
  const totals: Record<string, number> = {};
  for (const category of [...CATEGORIES, ...[...counts.keys()].filter((c) => !CATEGORIES.includes(c))]) {
    const row = counts.get(category) ?? {};
    const cells = [...SEVERITIES, 'unverified', 'waived'].map((k) => row[k] ?? 0);
    for (const [i, n] of cells.entries()) totals[head[i + 1]!] = (totals[head[i + 1]!] ?? 0) + n;
    table.push([category, ...cells, cells.reduce((a, b) => a + b, 0)]);
  }
  const totalCells = [...SEVERITIES, 'unverified', 'waived'].map((k) => totals[k] ?? 0);
  table.push(['all', ...totalCells, totalCells.reduce((a, b) => a + b, 0)]);
  return table.toString();
}

/** What the unverified column means, and the collections that would verify most of them. */
function unverifiedNote(findings: DemoResult['findings']): string {
  const unverified = findings.filter((f) => f.status === 'unverified');
  if (unverified.length === 0) return '';
  const hints = new Map<string, number>();
  for (const f of unverified) for (const h of f.verify?.collect ?? []) hints.set(h, (hints.get(h) ?? 0) + 1);
  const top = [...hints]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([h, n]) => `  ${n} × ${h}\n`)
    .join('');
  return `unverified: ${unverified.length} findings fail only on defaults nobody reported (not open, not in Slack or --fail-on); to verify, collect:\n${top}`;
}

export function register(program: Command, run: CommandRunner): void {
  program
    .command('demo')
    .description(
      'Run the sample fleet through the deployed handlers locally: embedded DynamoDB, ingest, incremental evaluation of the stored events as stream records, ' +
        'then the scheduled workflow (audit, per-cluster simulation, report) and a Slack digest when SLACK_WEBHOOK_URL is set',
    )
    .option(
      '--data-dir <dir>',
      `data directory of the embedded DynamoDB server, kept to explore afterwards (default: ${DEFAULT_DATA_DIR}, or a new directory when it holds data the demo did not create)`,
    )
    .option('--keep', 'accepted for compatibility: the data directory is always kept')
    .option('--out <dir>', 'report directory (default: <data-dir>/demo-report)')
    .option('--samples <dir>', 'sample fleet to load', SAMPLES)
    .option('--params <file>', PARAMS_OPTION_HELP)
    .action((opts: DemoCliOptions) =>
      run(async () => {
        const started = performance.now();
        const out = process.stdout;
        const rules = loadRulesOrRefuse(opts.params);
        const { dir, fallbackReason } = prepareDataDir(opts.dataDir);
        const outDir = resolve(opts.out ?? join(dir, 'demo-report'));
        writeFileSync(
          join(dir, DEMO_MARKER),
          'created by `hyperaudit demo`; the next demo run with this --data-dir wipes it\n',
        );
        const webhook = process.env.SLACK_WEBHOOK_URL;
        out.write(`hyperaudit demo: sample fleet from ${relative(process.cwd(), resolve(opts.samples)) || '.'}\n`);
        const result = await withStore({ dataDir: dir, table: TABLE.defaultName }, (store) =>
          runDemo(store, {
            samplesDir: resolve(opts.samples),
            rules,
            outDir,
            bucketDir: join(dir, 's3'),
            reporter: stepReporter(out),
            ...(webhook !== undefined && webhook !== '' && { webhookUrl: webhook }),
          }),
        );
        out.write(`\n${summaryTable(result)}\n`);
        out.write(unverifiedNote(result.findings));
        const sim = result.simulation?.fleet;
        out.write(
          `fleet: ${result.workflow.audit.hosts} hosts, ${result.workflow.audit.vms} VMs` +
            (sim
              ? `; simulated overload ${(sim.overloadedTimeFraction * 100).toFixed(1)}% of host-time, energy ${sim.energyKWh.toFixed(0)} kWh/day`
              : '') +
            `\n`,
        );
        out.write(
          `workflow: ${result.workflow.runId} (audit → ${result.workflow.shards.length} simulate shards → report${webhook ? ' → slack' : ''})\n`,
        );
        out.write(`report: ${result.report.files.find((f) => f.endsWith('.html')) ?? result.report.dir}\n`);
        if (webhook === undefined || webhook === '') out.write('slack: SLACK_WEBHOOK_URL not set, nothing posted\n');
        if (fallbackReason !== undefined) out.write(`note: ${fallbackReason}\n`);
        const flag = dataDirFlag(dir);
        out.write(
          `data: ${dir} (explore with: npx hyperaudit inventory${flag}, then audit, simulate, report${flag ? ` with${flag}` : ''})\n`,
        );
        // performance.now() counts from process start: the total includes loading the CLI, as a user waits for it.
        out.write(
          `done in ${((performance.now() - started) / 1000).toFixed(1)}s (${(performance.now() / 1000).toFixed(1)}s since start)\n`,
        );
        for (const r of result.ingest.rejected)
          process.stderr.write(`rejected: ${r.file}${r.record ? ` ${r.record}` : ''}: ${r.reason}\n`);
        return result.ingest.rejectedCount > 0 ? EXIT.rejected : EXIT.ok;
      }),
    );
}
