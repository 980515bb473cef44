/**
 * What text features need of a tokenizer, whatever implements it: ids with the special tokens the
 * model expects, and text back from ids. Feature builders depend on this alone, so the tokenizer
 * library stays behind {@link loadHfTokenizer}.
 */
export interface TextTokenizer {
  /**
   * The ids of `text` as the model was trained to read it: the special tokens the tokenizer adds
   * (LLaMA's BOS, say) included, every id in `[0, vocabSize)`.
   */
  encode(text: string): Int32Array;
  /**
   * The text of `ids`, leaving out special tokens and padding (`HF_PAD_ID`), so
   * `decode(encode(text))` gives back any text the vocabulary can spell.
   *
   * @throws DataError for an id outside the vocabulary.
   */
  decode(ids: ArrayLike<number>): string;
  /** One more than the largest id the tokenizer produces. */
  readonly vocabSize: number;
  /** The end-of-sequence id, when the tokenizer files name one. */
  readonly eosTokenId: number | undefined;
  /** The beginning-of-sequence id, when the tokenizer files name one. */
  readonly bosTokenId: number | undefined;
  /** Ids of the special tokens (BOS, EOS, padding, chat markers): a text made of nothing else has no content. */
  readonly specialTokenIds: ReadonlySet<number>;
}
