/** At most the first 80 characters of `text`, for error messages about input that can be megabytes long. */
export function excerpt(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** {@link excerpt} as a JSON string: quoted, with line feeds and other control characters escaped. */
export function quotedExcerpt(text: string): string {
  return JSON.stringify(excerpt(text));
}
