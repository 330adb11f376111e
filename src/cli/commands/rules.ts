import Table from 'cli-table3';
import { Option, type Command } from 'commander';
import { coverage, loadConformanceTable, type FrameworkCoverage } from '../../engine/conformance';
import { DEFAULT_RULES_DIR, loadRules, RuleLoadError } from '../../engine/load-rules';
import { PROFILES, type LoadedRule, type Profile } from '../../engine/types';
import { InputError, UsageError } from '../exit-codes';
import type { CommandRunner } from '../main';
import { terminalSafe } from '../terminal-text';
import { colourWanted, outputWidth } from '../terminal-style';
import { textTable } from '../../report/formats/fit-table';

interface RulesOptions {
  rules?: string;
  profile: Profile;
  json?: boolean;
  pack?: string;
}

const write = (s: string) => process.stdout.write(s);
const style = () => ({ compact: true, ...(!colourWanted(process.stdout, process.env) && { head: [], border: [] }) });

function load(opts: RulesOptions): LoadedRule[] {
  try {
    return loadRules(opts.rules ?? DEFAULT_RULES_DIR, { profile: opts.profile });
  } catch (err) {
    if (err instanceof RuleLoadError) throw new InputError(err.message);
    throw err;
  }
}

/** What a rule says about itself, without its fixtures or compiled conditions. */
function describeRule(r: LoadedRule) {
  return {
    id: r.id,
    pack: r.pack,
    title: r.title,
    severity: r.severity,
    category: r.category,
    resourceType: r.resourceType,
    params: r.params,
    appliesTo: r.appliesTo,
    conditions: r.conditions,
    controls: r.controls,
    rationale: r.rationale,
    remediation: r.remediation,
  };
}

function coverageText(frameworks: FrameworkCoverage[]): string {
  const t = new Table({
    head: [
      'framework',
      'controls',
      'implemented',
      'partly implemented',
      'not collected yet',
      'not auditable from the API',
    ],
    style: style(),
  });
  for (const f of frameworks) {
    const c = f.counts;
    t.push([f.framework, c.total, c.implemented, c.partial, c['not-collected'], c['not-auditable']]);
  }
  return `${t.toString()}\nPer control: hyperaudit rules coverage --json (table: rules/catalogue/conformance.json)\n`;
}

const withProfile = (cmd: Command) =>
  cmd
    .addOption(new Option('--profile <profile>', 'control values to show').choices([...PROFILES]).default('scg'))
    .option(
      '--rules <dir>',
      'rule directory of <pack>/<rule-id>.json files (default: the rules/ shipped with hyperaudit)',
    );

export function register(program: Command, run: CommandRunner): void {
  const rules = program
    .command('rules')
    .description('List, show and count the audit rules and the controls they cover');

  rules
    .command('coverage')
    .description(
      'Per framework (vSphere 8 SCG, DISA STIG): controls implemented, partly implemented, not collected yet, or not auditable from the API',
    )
    .option('--json', 'print {frameworks: [{framework, counts, controls: [{id, status, rules}]}]} as JSON')
    .action((opts: { json?: boolean }) =>
      run(async () => {
        const frameworks = coverage(loadConformanceTable());
        write(opts.json ? `${JSON.stringify({ frameworks }, null, 2)}\n` : coverageText(frameworks));
      }),
    );

  withProfile(
    rules
      .command('list')
      .description('The loaded rules: id, pack, severity, resource type, controls')
      .option('--pack <pack>', 'only this pack (hardening, perimeter, consolidation, simulation, ...)')
      .option('--json', 'print the rules (without fixtures) as JSON'),
  ).action((opts: RulesOptions) =>
    run(async () => {
      const all = load(opts);
      if (opts.pack !== undefined && !all.some((r) => r.pack === opts.pack)) {
        throw new UsageError(`no pack "${opts.pack}" (packs: ${[...new Set(all.map((r) => r.pack))].join(', ')})`);
      }
      const chosen = all.filter((r) => opts.pack === undefined || r.pack === opts.pack);
      if (opts.json) {
        write(`${JSON.stringify(chosen.map(describeRule), null, 2)}\n`);
        return;
      }
      const table = textTable(
        ['rule', 'pack', 'severity', 'on', 'controls'],
        chosen.map((r) =>
          [r.id, r.pack, r.severity, r.resourceType, r.controls.map((c) => c.id).join(' ')].map(terminalSafe),
        ),
        { width: outputWidth(process.stdout), cuttable: [0, 4], style: style() },
      );
      write(`${chosen.length} rule(s)\n${table}\n`);
    }),
  );

  withProfile(
    rules
      .command('show')
      .description(
        'One rule: title, severity, controls, parameters for the profile, conditions, rationale, remediation',
      )
      .argument('<id>', 'rule id, e.g. esxi.ssh-disabled')
      .option('--json', 'print the rule (without fixtures) as JSON'),
  ).action((id: string, opts: RulesOptions) =>
    run(async () => {
      const rule = load(opts).find((r) => r.id === id);
      if (!rule) throw new UsageError(`no rule "${id}" (hyperaudit rules list shows them)`);
      const d = describeRule(rule);
      if (opts.json) {
        write(`${JSON.stringify(d, null, 2)}\n`);
        return;
      }
      const lines = [
        `${d.id} (${d.pack}, ${d.severity}, ${d.resourceType})`,
        d.title,
        `controls: ${d.controls.map((c) => `${c.framework} ${c.id}`).join(', ') || 'none (local policy)'}`,
        `params (profile ${opts.profile}): ${JSON.stringify(d.params)}`,
        `conditions: ${JSON.stringify(d.conditions)}`,
        `rationale: ${d.rationale}`,
        `remediation: ${d.remediation}`,
      ];
      write(`${lines.map(terminalSafe).join('\n')}\n`);
    }),
  );
}
