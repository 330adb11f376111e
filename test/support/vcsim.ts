import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CACHE = join(ROOT, 'node_modules', '.cache', 'vcsim');
export const VCSIM_BINARY = join(CACHE, 'vcsim-harness');
const GOVMOMI = '/usr/share/gocode/src/github.com/vmware/govmomi/simulator';

/** Why vcsim cannot run here (Go or Debian's govmomi sources missing), or undefined when it can. */
export function vcsimUnavailable(): string | undefined {
  if (existsSync(VCSIM_BINARY)) return undefined;
  if (spawnSync('go', ['version']).status !== 0)
    return 'Go is not installed (apt-get install golang-go golang-github-vmware-govmomi-dev)';
  if (!existsSync(GOVMOMI)) return 'govmomi sources are missing (apt-get install golang-github-vmware-govmomi-dev)';
  return undefined;
}

/**
 * Builds test/vcsim/main.go against Debian's govmomi 0.24.2, offline (GOPATH mode), once: the binary is cached
 * under node_modules/.cache/vcsim, outside git. Returns the reason when it cannot be built.
 */
export function buildVcsim(): string | undefined {
  if (existsSync(VCSIM_BINARY)) return undefined;
  const missing = vcsimUnavailable();
  if (missing) return missing;
  mkdirSync(CACHE, { recursive: true });
  const res = spawnSync('go', ['build', '-o', VCSIM_BINARY, '.'], {
    cwd: join(ROOT, 'test', 'vcsim'),
    env: {
      ...process.env,
      GO111MODULE: 'off',
      GOPATH: `${join(CACHE, 'gopath')}:/usr/share/gocode`,
      GOCACHE: join(CACHE, 'gocache'),
    },
    encoding: 'utf8',
  });
  if (res.status !== 0) return `building the vcsim harness failed: ${res.stderr || res.error?.message}`;
  return undefined;
}

export interface VcsimModel {
  datacenters?: number;
  clusters?: number;
  clusterHosts?: number;
  hosts?: number;
  vms?: number;
}

export interface Vcsim {
  url: string;
  /** PEM of the self-signed certificate the simulator presents (trust it with --ca-file). */
  certFile: string;
  username: string;
  password: string;
  passwordFile: string;
  stop(): Promise<void>;
}

/** Starts the simulator on 127.0.0.1 at a random port; resolves once it printed its URL. */
export async function startVcsim(model: VcsimModel = {}): Promise<Vcsim> {
  const dir = mkdtempSync(join(tmpdir(), 'vcsim-'));
  const username = 'auditor@vsphere.local';
  const password = `pw-${Math.random().toString(36).slice(2)}-secret`;
  const passwordFile = join(dir, 'password');
  writeFileSync(passwordFile, password, { mode: 0o600 });
  const certFile = join(dir, 'vcsim.pem');
  const args = [
    `-datacenters=${model.datacenters ?? 1}`,
    `-clusters=${model.clusters ?? 2}`,
    `-cluster-hosts=${model.clusterHosts ?? 3}`,
    `-hosts=${model.hosts ?? 1}`,
    `-vms=${model.vms ?? 2}`,
    `-username=${username}`,
    `-password-file=${passwordFile}`,
    `-cert-out=${certFile}`,
  ];
  const child: ChildProcess = spawn(VCSIM_BINARY, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`vcsim exited (${code}): ${stderr}`)));
  });
  const { url } = JSON.parse(line) as { url: string };
  return {
    url,
    certFile,
    username,
    password,
    passwordFile,
    stop: async () => {
      // Killed by a signal, a process has no exit code but a signal code: stopping twice must not wait again.
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.stdin?.end();
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
