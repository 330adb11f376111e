import type { Clock } from '../model/ports/clock';
import type { Logger } from '../model/ports/logger';
import type { ArtifactStore } from '../store/artifacts/artifact-store';
import type { FleetStore } from '../store/types';
import type { RunStarter } from './run-starter';

/**
 * Every port a use case may need, in one shape. A workflow step is `step(input, ports)`, like the Lambda event it
 * serves; a use case driven by options takes its ports first (`runAudit(ports, opts)`). Its ports type picks
 * what it uses (`Ports<'store' | 'clock'>`) and adds its own configuration (rules, thresholds, bucket); the entry
 * points (CLI commands, `serve`, the Lambda handlers) build them once. No use case reads the time, a console or
 * an environment variable itself (test/app/use-case-ports.test.ts).
 */
export interface AppPorts {
  /** Events, findings and typed state (src/store/state-keys.ts). */
  store: FleetStore;
  /** Where rendered files go (a folder, S3, memory). */
  artifacts: ArtifactStore;
  /** "Now" for everything the use case stamps or compares. */
  clock: Clock;
  /** Operator-facing lines (compaction problems, skipped work). */
  logger: Logger;
  /** Starts audit workflow runs (Step Functions, memory). */
  runs: RunStarter;
}

export type Ports<K extends keyof AppPorts> = Pick<AppPorts, K>;
