/** Clock and sleep that only move virtual time, so retries and backoffs cost no real waiting. */
export function virtualTiming(start = Date.UTC(2026, 10, 1)) {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    timing: {
      now: () => now,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        now += ms;
      },
    },
  };
}
