/**
 * `npm run bench [-- name ...]`: runs each bench in its own process, one after another, so they do not
 * compete for the two cores. Without names it runs every bench/*.ts except the long load run
 * and the ones that need a stored fleet (`npm run bench -- ingest-load` runs that one).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = dirname(fileURLToPath(import.meta.url));
const LONG = new Set(['ingest-load', 'growth', 'scale', 'fleet-read']);
const available = readdirSync(benchDir)
  .filter((f) => f.endsWith('.ts') && f !== 'run-all.ts')
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();
const asked = process.argv.slice(2);
const unknown = asked.filter((n) => !available.includes(n));
if (unknown.length > 0) {
  process.stderr.write(`unknown bench: ${unknown.join(', ')}; available: ${available.join(', ')}\n`);
  process.exit(2);
}
const names = asked.length > 0 ? asked : available.filter((n) => !LONG.has(n));
let failed = 0;
for (const name of names) {
  process.stdout.write(`\n=== bench/${name} ===\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(benchDir, `${name}.ts`)], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
