/**
 * ` (did you mean "x"?)` for a near miss, else the empty string. Short words get no suggestion, since
 * one letter off there is as likely a different word (`gpu` is not a typo of `cpu`).
 */
export function didYouMean(word: string, candidates: readonly string[]): string {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (best === undefined || distance < best.distance) best = { candidate, distance };
  }
  const nearMiss = best !== undefined && best.candidate !== word && best.distance <= Math.floor(word.length / 4);
  return nearMiss ? ` (did you mean "${best?.candidate}"?)` : '';
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(substitution, (previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
