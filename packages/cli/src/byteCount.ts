/** Bytes in kB, MB or GB (10³, 10⁶, 10⁹), as the summary table counts them. */
export function byteCount(count: number): string {
  if (count < 1e3) return `${count} B`;
  if (count < 1e6) return `${(count / 1e3).toFixed(1)} kB`;
  return count < 1e9 ? `${(count / 1e6).toFixed(2)} MB` : `${(count / 1e9).toFixed(2)} GB`;
}
