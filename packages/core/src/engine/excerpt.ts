/** At most the first `limit` characters of `text`, for error messages about input that can be megabytes long. */
export function excerpt(text: string, limit = 80): string {
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}

/** {@link excerpt} as a JSON string: quoted, with line feeds and other control characters escaped. */
export function quotedExcerpt(text: string): string {
  return JSON.stringify(excerpt(text));
}
