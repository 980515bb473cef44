import { relative } from 'node:path';

/** Relative to the working directory when inside it: shorter, and what the user would type. */
export function displayPath(path: string): string {
  const fromHere = relative(process.cwd(), path);
  return fromHere === '' ? '.' : fromHere.startsWith('..') ? path : fromHere;
}
