/** Where the last generated report lives (state `report/latest`), so `notify` can link to it without being told. */
export interface LatestReportMeta {
  generatedAt: string;
  /** Directory the report was written to. */
  dir: string;
  /** URL for people: the configured base URL, or a file:// URL of the HTML. */
  url: string;
}

/** One audit run's headline figures, stored as `runs/<iso>` for the trend chart. */
export interface RunSummary {
  at: string;
  hosts: number;
  vms: number;
  open: Record<string, number>;
  /** Unverified findings by severity (absent in runs recorded before the status existed). */
  unverified?: Record<string, number>;
  waived: number;
  resolved: number;
  energyKWh?: number;
  overloadedTimeFraction?: number;
}
