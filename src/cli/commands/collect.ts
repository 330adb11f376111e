import type { Command } from 'commander';
import { registerCollector as registerLibvirt } from '../collect/libvirt';
import { registerCollector as registerProxmox } from '../collect/proxmox';
import { registerCollector as registerVsphere } from '../collect/vsphere';
import type { CommandRunner } from '../main';

/** A collector file under src/cli/collect/ exports `registerCollector`, and has one line in the list below. */
export interface CollectorModule {
  registerCollector(collect: Command, run: CommandRunner): void;
}

const COLLECTORS: readonly CollectorModule['registerCollector'][] = [registerLibvirt, registerProxmox, registerVsphere];

export function register(program: Command, run: CommandRunner): void {
  const collect = program
    .command('collect')
    .description("Read inventory and configuration from a hypervisor's own API");
  for (const registerCollector of COLLECTORS) registerCollector(collect, run);
}
