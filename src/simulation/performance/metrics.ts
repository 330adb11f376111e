/** What the performance kernel reports per host and per VM, as typed arrays indexed like the compiled fleet. */
export interface HostMetrics {
  activeSteps: Int32Array;
  overloadedSteps: Int32Array;
  /** Step indices at which the host was overloaded; most hosts never are, so only those get an array. */
  overloadedAt: (number[] | undefined)[];
  cpuUtilSum: Float64Array;
  cpuUtilPeak: Float64Array;
  readyNum: Float64Array;
  readyDen: Float64Array;
  memOvercommitPeak: Float64Array;
  memOvercommitSum: Float64Array;
  nicContendedSteps: Int32Array;
  nicUtilPeak: Float64Array;
  storageContendedSteps: Int32Array;
  storageUtilPeak: Float64Array;
  coincidingPeaks: Int32Array;
  energyJ: Float64Array;
  ioOverheadSum: Float64Array;
  /** Mean CPU demand (MHz) over the window, for HA restart sizing. */
  cpuDemandSum: Float64Array;
  distinctVms: Int32Array;
}

export interface VmMetrics {
  runningSteps: Int32Array;
  readySum: Float64Array;
  overloadedSteps: Int32Array;
  nicDemand: Float64Array;
  nicShortfall: Float64Array;
  storageContendedSteps: Int32Array;
  coincidingPeaks: Int32Array;
  memOvercommitPeak: Float64Array;
  cpuDemandSum: Float64Array;
  ioOverheadSum: Float64Array;
  peakStep: Int32Array;
  meanUtil: Float64Array;
  /** Host index at the last step the VM ran (−1 if it never ran). */
  lastHost: Int32Array;
}

export function emptyVmMetrics(V: number): VmMetrics {
  return {
    runningSteps: new Int32Array(V),
    readySum: new Float64Array(V),
    overloadedSteps: new Int32Array(V),
    nicDemand: new Float64Array(V),
    nicShortfall: new Float64Array(V),
    storageContendedSteps: new Int32Array(V),
    coincidingPeaks: new Int32Array(V),
    memOvercommitPeak: new Float64Array(V),
    cpuDemandSum: new Float64Array(V),
    ioOverheadSum: new Float64Array(V),
    peakStep: new Int32Array(V).fill(-1),
    meanUtil: new Float64Array(V),
    lastHost: new Int32Array(V).fill(-1),
  };
}

export function emptyHostMetrics(H: number, distinctVms: Int32Array): HostMetrics {
  return {
    activeSteps: new Int32Array(H),
    overloadedSteps: new Int32Array(H),
    overloadedAt: new Array<number[] | undefined>(H),
    cpuUtilSum: new Float64Array(H),
    cpuUtilPeak: new Float64Array(H),
    readyNum: new Float64Array(H),
    readyDen: new Float64Array(H),
    memOvercommitPeak: new Float64Array(H),
    memOvercommitSum: new Float64Array(H),
    nicContendedSteps: new Int32Array(H),
    nicUtilPeak: new Float64Array(H),
    storageContendedSteps: new Int32Array(H),
    storageUtilPeak: new Float64Array(H),
    coincidingPeaks: new Int32Array(H),
    energyJ: new Float64Array(H),
    ioOverheadSum: new Float64Array(H),
    cpuDemandSum: new Float64Array(H),
    distinctVms,
  };
}
