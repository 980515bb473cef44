/**
 * A target accuracy as typed by a user: a fraction (`0.8`) or a percentage (`80%`). Throws a
 * RangeError naming the accepted forms for anything else, including `80` without the `%`, which
 * would otherwise be silently unreachable.
 */
export function parseTarget(text: string): number {
  const trimmed = text.trim();
  const isPercent = trimmed.endsWith('%');
  const number = Number(isPercent ? trimmed.slice(0, -1) : trimmed);
  const fraction = isPercent ? number / 100 : number;
  if (trimmed === '' || trimmed === '%' || !Number.isFinite(fraction) || fraction <= 0 || fraction > 1) {
    throw new RangeError(`expected an accuracy such as 0.8 or 80%, got "${text}"`);
  }
  return fraction;
}
