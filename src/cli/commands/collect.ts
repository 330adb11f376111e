import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import type { CommandRunner } from '../main';

/** A collector file under src/cli/collect/ exports `registerCollector`; one file per collector, found at start-up. */
export interface CollectorModule {
  registerCollector(collect: Command, run: CommandRunner): void;
}

const collectorsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'collect');

export async function register(program: Command, run: CommandRunner): Promise<void> {
  const collect = program
    .command('collect')
    .description("Read inventory and configuration from a hypervisor's own API");
  const files = readdirSync(collectorsDir)
    .filter((f) => /\.[jt]s$/.test(f) && !f.endsWith('.d.ts'))
    .sort();
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(collectorsDir, file)).href)) as CollectorModule;
    mod.registerCollector(collect, run);
  }
}
