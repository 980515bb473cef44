import { textPool } from '../text/textSplit.js';
import type { TextRecords } from './textRecords.js';

/** How {@link splitTextRecords} splits. */
export interface TextRecordSplitOptions {
  seed: number;
  /** Share of texts on the test side, in [0, 1). */
  testFraction: number;
}

/**
 * The train and test sides of `records`, split by text before any features are built, so no
 * text's windows land on both sides. A text's side is `textPool` of its content (no pre-training
 * share), so identical texts always share a side and the split does not depend on record order.
 * Both sides keep every label name, so class indices mean the same on each.
 *
 * @throws ConfigError for a test share outside [0, 1).
 */
export function splitTextRecords(
  records: TextRecords,
  options: TextRecordSplitOptions,
): { train: TextRecords; test: TextRecords } {
  const split = { seed: options.seed, pretrainFraction: 0, testFraction: options.testFraction };
  const onTest = records.texts.map((text) => textPool(text, split) === 'test');
  const side = (test: boolean): TextRecords => {
    const rows = onTest.flatMap((isTest, row) => (isTest === test ? [row] : []));
    const texts = rows.map((row) => records.texts[row] as string);
    const { labels, labelNames } = records;
    if (labels === undefined || labelNames === undefined) return { source: records.source, texts };
    return { source: records.source, texts, labels: Int32Array.from(rows, (row) => labels[row] as number), labelNames };
  };
  return { train: side(false), test: side(true) };
}
