/**
 * A labelled set of images held as bytes, the form the IDX files store. Subsets are index views
 * into one buffer, never copies, so thousands of clients share it.
 */
export interface LabelledImages {
  count: number;
  rows: number;
  cols: number;
  /** `count·rows·cols` pixel bytes, row-major per image. */
  pixels: Uint8Array;
  /** `count` class labels. */
  labels: Uint8Array;
  /** Number of classes (max label + 1 of the full set). */
  numClasses: number;
}

/** Model-ready features: `count × featureSize` floats and integer labels. */
export interface FeatureSet {
  count: number;
  featureSize: number;
  numClasses: number;
  features: Float32Array;
  labels: Int32Array;
}

/**
 * One adapter slot's share of a feature set: indices into the shared buffer. A client holds one slot
 * per task it trains (or one shared slot); `tasks` is the ground truth the engine evaluates with,
 * never shown to aggregators.
 */
export interface ClientData {
  clientId: number;
  source: FeatureSet;
  indices: Uint32Array;
  /** Index of this slot among the client's slots (0 for single-task federations). */
  slot?: number;
  /** Tasks whose images this slot holds. */
  tasks?: readonly number[];
}
