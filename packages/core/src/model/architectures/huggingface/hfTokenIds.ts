import * as tf from '@tensorflow/tfjs-core';
import { DataError, ShapeError } from '../../../errors.js';
import { HF_PAD_ID } from './hfArchitecture.js';

/** What {@link checkHfTokenIds} checks ids against. */
export interface HfTokenIdLimits {
  /** Names the model family in errors (`GPT-2`). */
  readonly family: string;
  /** Ids run from 0 to `vocabSize − 1`. */
  readonly vocabSize: number;
  /** The longest sequence the model takes. */
  readonly contextLength: number;
}

/**
 * Refuses token ids a Hugging Face model cannot embed: a sequence longer than `contextLength`, an
 * id that is not an integer in [{@link HF_PAD_ID}, `vocabSize`), or a real token after padding
 * (padding goes on the right, so the read-out finds each row's last real token). Without it a bad
 * id would reach the embedding's gather and fail there with no word of the model or the row.
 * Reading the ids back costs one `[batch, length]` copy, far less than the forward itself; on a
 * GPU backend it also waits for the ids to be ready, which they are, having come from the host.
 * @throws ShapeError for a sequence of no positions or more than `contextLength`.
 * @throws DataError naming the row, the position and the id, for an id out of range or padding
 *   before a real token.
 */
export function checkHfTokenIds(ids: tf.Tensor2D, limits: HfTokenIdLimits): void {
  const { family, vocabSize, contextLength } = limits;
  const [batch, length] = ids.shape;
  if (length < 1 || length > contextLength) {
    throw new ShapeError(
      `Token sequences have ${length} positions; this ${family} takes 1 to ${contextLength} (its context length); cut longer sequences to that length.`
    );
  }
  const values = ids.dataSync();
  for (let row = 0; row < batch; row++) {
    let paddedFrom: number | undefined;
    for (let position = 0; position < length; position++) {
      const id = values[row * length + position] as number;
      if (!Number.isInteger(id) || id < HF_PAD_ID || id >= vocabSize) {
        throw new DataError(
          `Token id ${id} (row ${row}, position ${position}) is not a token of this ${family}, whose ids are 0 to ${
            vocabSize - 1
          } with ${HF_PAD_ID} for padding; tokenize with the model's own tokenizer.`
        );
      }
      if (id === HF_PAD_ID) paddedFrom ??= position;
      else if (paddedFrom !== undefined) {
        throw new DataError(
          `Row ${row} has token ${id} at position ${position}, after padding at position ${paddedFrom}; pad sequences on the right only.`
        );
      }
    }
  }
}

/**
 * The rows of the token embedding to gather for ids `[batch, length]` checked by
 * {@link checkHfTokenIds}, example-major: padding ({@link HF_PAD_ID}) reads row 0, as causal
 * attention keeps it from the real tokens before it.
 */
export function hfEmbeddingRows(ids: tf.Tensor2D): tf.Tensor1D {
  return tf.reshape(tf.cast(tf.maximum(ids, 0), 'int32'), [ids.size]);
}
