/**
 * Power at a utilisation from an 11-point SPECpower curve (0, 10, …, 100 %), linear between points.
 * `offset` lets the kernel read curves packed 11 per host in one array.
 */
export function specPowerWatts(curve: ArrayLike<number>, utilisation: number, offset = 0): number {
  const u = utilisation <= 0 ? 0 : Math.min(utilisation, 1);
  const x = u * 10;
  const i = x >= 10 ? 9 : Math.floor(x);
  const lo = curve[offset + i]!;
  return lo + (curve[offset + i + 1]! - lo) * (x - i);
}
