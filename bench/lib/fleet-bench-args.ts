import { isLayout, type Layout } from './growth-fleet';

/** `[vms] [layout] [rounds]` of a bench over bench/growth's fleet in memory, refused unless each is what it says. */
export function fleetBenchArgs(
  argv: readonly string[],
  defaultVms: number,
): { vms: number; layout: Layout; rounds: number } {
  const vms = Number(argv[2] ?? defaultVms);
  const layout = argv[3] ?? 'sparse';
  const rounds = Number(argv[4] ?? 4);
  if (!isLayout(layout)) throw new Error(`layout ${layout}: sparse or configured`);
  if (!Number.isSafeInteger(vms) || vms < 1) throw new Error(`vms ${argv[2]}: a whole number of VMs, 1 or more`);
  if (!Number.isSafeInteger(rounds) || rounds < 1) throw new Error(`rounds ${argv[4]}: a whole number, 1 or more`);
  return { vms, layout, rounds };
}
