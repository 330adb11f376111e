/**
 * Why a move is refused, as a code with the figures its message needs. Code that acts on a refusal (a chained
 * move clears the VMs behind a trust or replica refusal) reads the code; people read `describeRefusal`.
 */
export type Refusal =
  | { code: 'no-known-host' }
  | { code: 'already-there' }
  | { code: 'not-serving' }
  | { code: 'vendor'; from: string; to: string }
  | { code: 'outside-perimeter'; perimeter: string | undefined }
  | { code: 'another-datacenter' }
  | { code: 'crosses-perimeter' }
  | { code: 'trust'; level: number; others: readonly number[] }
  | { code: 'replica' }
  | { code: 'memory' }
  | { code: 'vcpu-ratio'; limit: number }
  | { code: 'iops' }
  | { code: 'uplinks' }
  | { code: 'coinciding-peaks'; limit: number }
  | { code: 'single-socket' }
  | { code: 'cpu' }
  | { code: 'n-plus-one'; cluster: string };

/** The refusal as the plan and its warnings print it. */
export function describeRefusal(refusal: Refusal): string {
  switch (refusal.code) {
    case 'no-known-host':
      return 'the VM has no known host';
    case 'already-there':
      return 'already there';
    case 'not-serving':
      return 'target not serving (maintenance or disconnected)';
    case 'vendor':
      return `no live migration from ${refusal.from} to ${refusal.to}`;
    case 'outside-perimeter':
      return `outside perimeter ${refusal.perimeter}`;
    case 'another-datacenter':
      return 'another datacenter';
    case 'crosses-perimeter':
      return 'would cross a perimeter boundary';
    case 'trust':
      return `trust level ${refusal.level} next to ${refusal.others.join(', ')}`;
    case 'replica':
      return 'a replica of the same app and role is there';
    case 'memory':
      return 'not enough memory';
    case 'vcpu-ratio':
      return `vCPU:core would exceed ${refusal.limit}`;
    case 'iops':
      return 'not enough storage IOPS';
    case 'uplinks':
      return 'not enough uplink capacity with one uplink failed';
    case 'coinciding-peaks':
      return `would make ${refusal.limit} peaks coincide`;
    case 'single-socket':
      return 'single-socket host full';
    case 'cpu':
      return 'CPU (with I/O overhead) would exceed capacity';
    case 'n-plus-one':
      return `cluster ${refusal.cluster} would lose N+1`;
  }
}
