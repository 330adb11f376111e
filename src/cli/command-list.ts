import type { CommandModule } from './main';

/** A command as the top-level help lists it, and how to load its full definition when it is the one run. */
export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<CommandModule>;
}

/**
 * Every command of `hyperaudit`, in the order the help lists them. Only the command being run is imported, so
 * `--version` or `rules list` never load the AWS SDK, exceljs or the simulator. A new command: one file in
 * `commands/` exporting `register`, and one line here.
 */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'ingest', summary: 'Read event and inventory files and store them', load: () => import('./commands/ingest') },
  {
    name: 'collect',
    summary: "Read inventory and configuration from a hypervisor's own API",
    load: () => import('./commands/collect'),
  },
  { name: 'events', summary: 'Inspect stored events (future-dated events)', load: () => import('./commands/events') },
  { name: 'inventory', summary: 'Show hosts and VMs as currently stored', load: () => import('./commands/inventory') },
  {
    name: 'audit',
    summary: 'Audit the stored fleet against the rule packs; update findings',
    load: () => import('./commands/audit'),
  },
  {
    name: 'simulate',
    summary: 'Replay the fleet over time and score performance, availability and energy risk',
    load: () => import('./commands/simulate'),
  },
  {
    name: 'plan',
    summary: 'Plan migrations that clear placement findings, balance load or save energy',
    load: () => import('./commands/plan'),
  },
  {
    name: 'report',
    summary: 'Write the HTML report with JSON, CSV and the audit formats beside it',
    load: () => import('./commands/report'),
  },
  {
    name: 'notify',
    summary: 'Post a Slack digest of new and resolved findings since the last one',
    load: () => import('./commands/notify'),
  },
  {
    name: 'serve',
    summary: 'Local HTTP ingest endpoint with the deployed API’s contract',
    load: () => import('./commands/serve'),
  },
  {
    name: 'rules',
    summary: 'List, show and count the audit rules and their controls',
    load: () => import('./commands/rules'),
  },
  {
    name: 'demo',
    summary: 'Run the sample fleet through the whole local pipeline',
    load: () => import('./commands/demo'),
  },
];
