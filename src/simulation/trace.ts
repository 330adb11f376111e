/** One PlanetLab-format trace: CPU percent per 5-minute sample, as CloudSim's examples read them. */
export interface Trace {
  name: string;
  /** Percent values (0–100), one per line, in file order. */
  samples: Float64Array;
}

export class TraceFormatError extends Error {
  override readonly name = 'TraceFormatError';
}

/**
 * Parses a PlanetLab trace (one integer CPU percent per line). Blank lines at the end are allowed;
 * anything else that is not a number in 0–100 is rejected with its line number.
 */
export function parseTrace(name: string, text: string, expectedSamples?: number): Trace {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  const samples = new Float64Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    const value = raw === '' ? Number.NaN : Number(raw);
    if (!Number.isFinite(value) || value < 0 || value > 100) {
      // The line itself is never quoted: a trace path gone wrong can point at a file of secrets.
      const reason = raw === '' ? 'empty line' : Number.isFinite(value) ? 'out of range' : 'not a number';
      throw new TraceFormatError(`${name}:${i + 1}: expected a CPU percent between 0 and 100 (${reason})`);
    }
    samples[i] = value;
  }
  if (samples.length === 0) throw new TraceFormatError(`${name}: empty trace`);
  if (expectedSamples !== undefined && samples.length < expectedSamples) {
    throw new TraceFormatError(`${name}: ${samples.length} samples, need at least ${expectedSamples}`);
  }
  return { name, samples };
}

/** Byte order of names, the reproducible stand-in for CloudSim's directory order. */
export function compareTraceNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
