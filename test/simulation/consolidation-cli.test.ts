import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli';

const dir = mkdtempSync(join(tmpdir(), 'hyperaudit-consolidation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Eight traces copied from PlanetLab day 20110303 (test/fixtures/planetlab/20110303), two slices.
const DAY = join(import.meta.dirname, '../fixtures/planetlab/20110303');
const NAMES = [
  'ait05_us_es_princeton_codeen',
  'ait05_us_es_uw_oneswarm',
  '146-179_surfsnel_dsl_internl_net_uw_oneswarm',
  '147-179_surfsnel_dsl_internl_net_uw_oneswarm',
  'vn5_cse_wustl_edu_uw_oneswarm',
  'ait05_us_es_irisaple_wup',
  '75-130-96-12_static_oxfr_ma_charter_com_irisaple_wup',
  'ait05_us_es_root',
];
const traces = join(dir, 'traces');
mkdirSync(traces);
for (const n of NAMES) writeFileSync(join(traces, n), readFileSync(join(DAY, n)));

const cli = (...args: string[]) => runCli('simulate', '--accounting', 'cloudsim', '--traces', traces, ...args);

describe('hyperaudit simulate --accounting cloudsim --policy', () => {
  it('prints the consolidation figures as a table, with the perimeter count', async () => {
    const { code, stdout } = await cli('--policy', 'thr-mmt');
    expect(code).toBe(0);
    expect(stdout).toMatch(/8 VMs on 800 hosts/);
    expect(stdout).toMatch(/ESV = energy × SLAV/);
    expect(stdout).toMatch(/4 perimeters by slice/);
  });

  it('writes JSON with a perimeter map from a file, and the secure policy keeps perimeters apart', async () => {
    const map = join(dir, 'perimeters.json');
    writeFileSync(map, JSON.stringify(Object.fromEntries(NAMES.map((n, i) => [n, i % 2 === 0 ? 'pci' : 'corp']))));
    const { code, stdout } = await cli('--policy', 'secure', '--perimeters', map, '--format', 'json');
    expect(code).toBe(0);
    const r = JSON.parse(stdout);
    expect(r.kind).toBe('hyperaudit.simulation.consolidation');
    expect(r.policy).toBe('secure');
    expect(r.perimeters).toBe(2);
    expect(r.perimeterSource).toBe('map');
    expect(r.mixedPerimeterHostSteps).toBe(0);
    expect(r.cloudsimReference).toBeNull();
    expect(r.energyKWh).toBeGreaterThan(0);
  });

  it('rejects a perimeter map that is not name → perimeter, or that leaves a trace out, naming the file', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ [NAMES[0]!]: 7 }));
    const wrongType = await cli('--policy', 'secure', '--perimeters', bad);
    expect(wrongType.code).not.toBe(0);
    expect(wrongType.stderr).toContain('bad.json');
    const partial = join(dir, 'partial.json');
    writeFileSync(partial, JSON.stringify({ [NAMES[0]!]: 'pci' }));
    const missing = await cli('--policy', 'secure', '--perimeters', partial);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/partial\.json: 7 trace\(s\) have no perimeter/);
  });

  it('refuses --policy without CloudSim accounting, and an unknown policy', async () => {
    const native = await runCli('simulate', '--policy', 'secure', '--traces', traces);
    expect(native.code).not.toBe(0);
    expect(native.stderr).toMatch(/need --accounting cloudsim/);
    const unknown = await cli('--policy', 'drs');
    expect(unknown.code).not.toBe(0);
  });
});
