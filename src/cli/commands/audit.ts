import { Option, type Command } from 'commander';
import type { CommandRunner } from '../main';
import { EXIT, InputError } from '../exit-codes';
import { addStoreOptions, withStoreAfter, type StoreCliOptions } from '../store-options';
import { SEVERITIES, atOrAbove, type Severity } from '../../model/finding';
import { DEFAULT_RULES_DIR, loadRules, RuleLoadError } from '../../engine/load-rules';
import { maxWaiverDaysFrom, parseWaiverText, WaiverFileError, type Waiver } from '../../engine/waivers';
import { PROFILES, type LoadedRule, type Profile } from '../../engine/types';
import { runAudit, type AuditTimings } from '../../app/audit';
import { systemClock } from '../../model/ports/clock';
import { PARAMS_OPTION_HELP, readParamsFile } from '../params-option';
import { AUDIT_FORMAT_NAMES, AUDIT_FORMAT_OUTPUT, type AuditFormat } from '../../report/formats';
import { formatTable } from '../../report/formats/table';
import { writePieces } from '../write-pieces';
import { readInputFile } from '../read-input-file';
import { commandProgress } from '../command-progress';
import { terminalTableLayout } from '../terminal-style';

interface AuditCliOptions extends StoreCliOptions {
  format: AuditFormat;
  out?: string;
  failOn?: Severity;
  failOnUnverified?: boolean;
  profile: Profile;
  rules?: string;
  waivers?: string;
  maxWaiverDays?: string;
  params?: string;
}

/**
 * How many findings the audit wrote to the store: only those whose stored view changed (new, resolved, reopened,
 * waived, other evidence), so an operator sees what the run changed and a bench sees an unchanged fleet cost no writes.
 */
function writtenNote(count: number): string {
  return `${count} written to the store`;
}

/** Rules and waivers are user input: their errors name file and JSON path and exit 1, without a stack. */
function loadInputs(opts: AuditCliOptions): { rules: LoadedRule[]; waivers: Waiver[] | undefined } {
  try {
    const rules = loadRules(opts.rules ?? DEFAULT_RULES_DIR, {
      profile: opts.profile,
      ...(opts.params !== undefined && { paramOverrides: readParamsFile(opts.params) }),
    });
    let waivers: Waiver[] | undefined;
    if (opts.waivers !== undefined) {
      const text = readInputFile(opts.waivers, 'waivers file');
      const maxDays = maxWaiverDaysFrom(opts.maxWaiverDays ?? process.env.HYPERAUDIT_MAX_WAIVER_DAYS);
      waivers = parseWaiverText(text, opts.waivers, { now: new Date().toISOString(), maxDays });
    }
    return { rules, waivers };
  } catch (err) {
    if (err instanceof RuleLoadError || err instanceof WaiverFileError) throw new InputError(err.message);
    throw err;
  }
}

export function register(program: Command, run: CommandRunner): void {
  const cmd = program
    .command('audit')
    .description('Audit the stored fleet against the rule packs; update findings (lifecycle, waivers)')
    .addOption(new Option('--format <format>', 'output format').choices(AUDIT_FORMAT_NAMES).default('table'))
    .option('--out <file>', 'write the output to a file instead of stdout')
    .addOption(
      new Option(
        '--fail-on <severity>',
        `exit ${EXIT.findings} when an open finding is at or above this severity`,
      ).choices([...SEVERITIES]),
    )
    .addOption(
      new Option('--profile <profile>', 'control values to check against').choices([...PROFILES]).default('scg'),
    )
    .option(
      '--fail-on-unverified',
      'let unverified findings (failing only on defaults nobody reported) count toward --fail-on',
    )
    .option(
      '--rules <dir>',
      'rule directory of <pack>/<rule-id>.json files (default: the rules/ shipped with hyperaudit)',
    )
    .option('--params <file>', PARAMS_OPTION_HELP)
    .option(
      '--waivers <file>',
      'waivers JSON file (see docs/rules.md); stored, and used by later audits until replaced',
    )
    .option(
      '--max-waiver-days <days>',
      'longest a waiver may last from today (env HYPERAUDIT_MAX_WAIVER_DAYS; default 365)',
    );
  addStoreOptions(cmd).action((opts: AuditCliOptions) =>
    run(async () => {
      const progress = commandProgress();
      // Filled by the audit: how many stored findings it wrote (an unchanged fleet's audit writes none).
      const timings: AuditTimings = { readMs: 0, evaluateMs: 0, lifecycleMs: 0, writeMs: 0, findingsWritten: 0 };
      const result = await withStoreAfter(
        opts,
        () => {
          progress.start('rules');
          const inputs = loadInputs(opts);
          progress.finish(`${inputs.rules.length} rules (profile ${opts.profile})`);
          progress.start('audit');
          return inputs;
        },
        (store, { rules, waivers }) =>
          runAudit({ store, clock: systemClock }, { rules, waivers, profile: opts.profile, full: true, timings }),
      );
      const written = writtenNote(timings.findingsWritten);
      progress.finish(
        `${result.summary.hosts} hosts, ${result.summary.vms} VMs, ${result.findings.length} findings (${written})`,
      );
      // Only a table read on this terminal takes its width and colours; a file gets the portable default. The
      // other formats go out in chunks: a large fleet's document is more than one string can hold.
      const pieces =
        opts.format === 'table' && opts.out === undefined
          ? [formatTable(result, terminalTableLayout(process.stdout, process.env))]
          : AUDIT_FORMAT_OUTPUT[opts.format](result);
      await writePieces(pieces, opts.out);
      if (opts.out !== undefined)
        process.stderr.write(
          `wrote ${opts.format} to ${opts.out} (${result.findings.length} current findings, ${written})\n`,
        );
      const threshold = opts.failOn;
      if (
        threshold !== undefined &&
        result.findings.some(
          (f) =>
            (f.status === 'open' || (opts.failOnUnverified === true && f.status === 'unverified')) &&
            atOrAbove(f.severity, threshold),
        )
      )
        return EXIT.findings;
      return EXIT.ok;
    }),
  );
}
