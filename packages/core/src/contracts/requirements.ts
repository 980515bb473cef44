/** The contracts whose chosen component another component may require. */
export type PartnerKind = 'adapter' | 'compressor' | 'selector' | 'aggregator' | 'channel';

/**
 * What a component needs of the other components of its run. Components of one method that only
 * work together (a skip rule that judges the upload one compressor quantises, say) declare it here,
 * and the engine refuses any other pairing before the first run starts, naming the fix, instead of
 * letting the run compute something no paper describes.
 */
export interface ComponentRequirements {
  /** For each contract listed, the names of the components this one works with; any other is refused. */
  readonly partners?: Readonly<Partial<Record<PartnerKind, readonly string[]>>>;
  /** Why, for the error message: "it judges the upload that compressor quantises". */
  readonly reason?: string;
}
