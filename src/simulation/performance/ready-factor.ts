/** CPU ready per unit of service, exact and tabulated. */

const READY_TABLE_SIZE = 2048;

/**
 * Wait per unit of service in an M/M/c queue, Sakasegawa's approximation ρ^√(2(c+1)) / (c(1−ρ)), with ρ
 * held at 0.95 (where the approximation still holds) plus the demand that cannot run at all above 1.
 */
export function readyFactor(rho: number, cores: number, exponent = Math.sqrt(2 * (cores + 1))): number {
  if (rho <= 0 || cores <= 0) return 0;
  const r = Math.min(rho, 0.95);
  const queue = r ** exponent / (cores * (1 - r));
  return rho > 1 ? queue + (1 - 1 / rho) : queue;
}

/**
 * readyFactor below saturation tabulated per core count at 1/2048 of ρ (up to 0.95) and interpolated
 * linearly: Math.pow per host-step was a quarter of the kernel's time; the interpolation error is under 1e-4
 * relative.
 */
export function readyTable(cores: number, cache: Map<number, Float64Array>): Float64Array {
  let table = cache.get(cores);
  if (!table) {
    table = new Float64Array(READY_TABLE_SIZE + 2);
    const exponent = Math.sqrt(2 * (cores + 1));
    for (let k = 0; k <= READY_TABLE_SIZE + 1; k++)
      table[k] = readyFactor((0.95 * Math.min(k, READY_TABLE_SIZE)) / READY_TABLE_SIZE, cores, exponent);
    cache.set(cores, table);
  }
  return table;
}

export function tabulatedReady(table: Float64Array, rho: number): number {
  const r = Math.min(rho, 0.95);
  const x = (r / 0.95) * READY_TABLE_SIZE;
  const k = Math.floor(x);
  const queue = table[k]! + (table[k + 1]! - table[k]!) * (x - k);
  return rho > 1 ? queue + (1 - 1 / rho) : queue;
}
