import type { Command } from 'commander';
import { fleetToJson } from '../../model/fleet';
import type { CommandRunner } from '../main';
import { addStoreOptions, withStore, type StoreCliOptions } from '../store-options';
import { terminalSafe } from '../terminal-text';
import { colourWanted, outputWidth } from '../terminal-style';
import { textTable } from '../../report/formats/fit-table';
import { commandProgress } from '../command-progress';

interface InventoryCliOptions extends StoreCliOptions {
  json?: boolean;
}

export function register(program: Command, run: CommandRunner): void {
  const cmd = program
    .command('inventory')
    .description('Show hosts and VMs as currently stored')
    .option('--json', 'print {hosts, vms, perimeters} as JSON');
  addStoreOptions(cmd).action((opts: InventoryCliOptions) =>
    run(async () => {
      // Starting the store and reading the fleet takes seconds on a large one: a step line on a terminal says so.
      const progress = commandProgress(opts.json === true ? { json: true } : {});
      progress.start('inventory');
      const fleet = fleetToJson(await withStore(opts, (store) => store.loadFleet()));
      progress.finish(`${fleet.hosts.length} hosts, ${fleet.vms.length} VMs, ${fleet.perimeters.length} perimeters`);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(fleet, null, 2)}\n`);
        return;
      }
      // Colour only for a terminal without NO_COLOR: piped output stays plain text.
      const style = { compact: true, ...(!colourWanted(process.stdout, process.env) && { head: [], border: [] }) };
      const width = outputWidth(process.stdout);
      const hosts = textTable(
        ['host', 'name', 'hypervisor', 'cluster', 'perimeter', 'state'],
        fleet.hosts.map((h) => {
          const state = [h.connectionState, h.maintenanceMode ? 'maintenance' : undefined].filter(Boolean).join(', ');
          const hv = h.hypervisor ? [h.hypervisor.vendor, h.hypervisor.version].filter(Boolean).join(' ') : '';
          return [h.id, h.name, hv, h.cluster, h.perimeter, state].map(terminalSafe);
        }),
        { width, cuttable: [0, 1, 3, 4], style },
      );
      const vms = textTable(
        ['vm', 'name', 'hostId', 'perimeter', 'powerState'],
        fleet.vms.map((v) => {
          const perimeter =
            v.perimeter !== undefined && v.perimeterSource === 'clone'
              ? `${v.perimeter} (from clone source)`
              : v.perimeter;
          return [v.id, v.name, v.hostId, perimeter, v.powerState].map(terminalSafe);
        }),
        { width, cuttable: [0, 1, 2, 3], style },
      );
      process.stdout.write(`${fleet.hosts.length} host(s)\n${hosts}\n${fleet.vms.length} VM(s)\n${vms}\n`);
    }),
  );
}
