/** Where each VM runs over the simulated window: segments of steps on one host (or on none). */
export interface PlacementSegment {
  /** First step of the segment; it lasts until the next segment's `fromStep`. */
  fromStep: number;
  /** Host the VM runs on, or null while it is off, removed or not yet created. */
  hostId: string | null;
}

/** VM id → segments in step order. A VM missing here runs on its `hostId` for the whole window. */
export type PlacementTimeline = ReadonlyMap<string, readonly PlacementSegment[]>;
