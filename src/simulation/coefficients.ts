/**
 * Model constants. They are engineering estimates, not measurements of a given platform; every one can be
 * overridden through `SimulationOptions` and docs/simulation.md says where each comes from.
 */
export interface PerformanceCoefficients {
  /** Host CPU (MHz) spent per 1 Gbps through an emulated NIC (e1000, e1000e, rtl8139, vlance). */
  emulatedNicMHzPerGbps: number;
  /** Per 1 Gbps through a paravirtual NIC (vmxnet3, virtio, netvsc). */
  paravirtualNicMHzPerGbps: number;
  /** Per 1 Gbps through SR-IOV/passthrough: the device does the work. */
  passthroughNicMHzPerGbps: number;
  /** Host CPU (MHz) per 1,000 IOPS on an emulated controller (IDE, SATA/AHCI). */
  emulatedStorageMHzPer1kIops: number;
  /** Per 1,000 IOPS on a paravirtual controller (pvscsi/virtio-scsi, NVMe). */
  paravirtualStorageMHzPer1kIops: number;
  /** Extra throughput a second hardware thread adds to a core (0.25 = a hyperthreaded core counts 1.25). */
  smtGain: number;
  /** Utilisation above which a VM counts as peaking, relative to its own maximum. */
  peakThreshold: number;
  /** Storage counts as contended above this fraction of the host's IOPS capacity. */
  storageContentionUtilisation: number;
}

export const DEFAULT_COEFFICIENTS: PerformanceCoefficients = {
  emulatedNicMHzPerGbps: 2000,
  paravirtualNicMHzPerGbps: 400,
  passthroughNicMHzPerGbps: 50,
  emulatedStorageMHzPer1kIops: 300,
  paravirtualStorageMHzPer1kIops: 60,
  smtGain: 0.25,
  peakThreshold: 0.9,
  storageContentionUtilisation: 0.9,
};

const EMULATED_NICS = new Set(['e1000', 'e1000e', 'rtl8139', 'vlance', 'pcnet', 'ne2k_pci', 'legacy']);

/** Whether an adapter name is an emulated device (unknown names count as paravirtual, the modern default). */
export function isEmulatedNic(adapter: string | undefined): boolean {
  return adapter !== undefined && EMULATED_NICS.has(adapter.toLowerCase());
}

export interface AvailabilityDefaults {
  hostMtbfHours: number;
  hostMttrHours: number;
  uplinkMtbfHours: number;
  uplinkMttrHours: number;
  /** Time for HA to restart a VM on a surviving host. */
  restartHours: number;
}

export const DEFAULT_AVAILABILITY: AvailabilityDefaults = {
  hostMtbfHours: 8760,
  hostMttrHours: 4,
  uplinkMtbfHours: 43800,
  uplinkMttrHours: 4,
  restartHours: 5 / 60,
};

/** Weights of the 0–100 risk score; they sum to 100. */
export const SCORE_WEIGHTS = {
  cpuOverload: 30,
  cpuReady: 25,
  memoryOvercommit: 15,
  nicContention: 10,
  storageContention: 10,
  coincidingPeaks: 10,
} as const;
export type ScoreComponent = keyof typeof SCORE_WEIGHTS;

export const HOURS_PER_YEAR = 8760;
