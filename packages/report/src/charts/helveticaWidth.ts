/**
 * Advance widths of Helvetica (and the metric-compatible Arial and Liberation Sans) for the
 * printable ASCII characters, space to tilde, in thousandths of the font size: the font's AFM metrics.
 */
// prettier-ignore
const ASCII_WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space … /
  556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0 … ?
  1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @ … O
  667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P … _
  333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // ` … o
  556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p … ~
];

/** Width of characters outside printable ASCII (±, –, …): about a digit's. */
const OTHER_WIDTH = 556;

/** Vega's default font size, used when a text mark sets none. */
const DEFAULT_FONT_SIZE = 11;

/**
 * The width in pixels of `text` set in the charts' font, for Vega's text layout. Vega measures
 * text with a canvas when one is installed and otherwise guesses 0.8 em per character, which
 * makes long legend labels claim far more room than they take and shrinks every chart to fit.
 */
export function helveticaWidth(item: { fontSize?: number }, text: unknown): number {
  const size = item.fontSize ?? DEFAULT_FONT_SIZE;
  let thousandths = 0;
  for (const character of String(text ?? '').trim()) {
    thousandths += ASCII_WIDTHS[(character.codePointAt(0) ?? 0) - 32] ?? OTHER_WIDTH;
  }
  return (thousandths * size) / 1000;
}
