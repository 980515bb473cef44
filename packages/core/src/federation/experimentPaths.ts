import { isAbsolute, resolve } from 'node:path';

/** `data.source` values that name an installed data set rather than a folder. */
const SOURCE_KEYWORDS = ['embedded', 'system', 'auto'];

/** The folder `data.source` names, resolved against the experiment's folder; `undefined` for a keyword. */
export function dataSourceFolder(source: string, experimentDir: string): string | undefined {
  return SOURCE_KEYWORDS.includes(source) ? undefined : resolve(experimentDir, source);
}

/** The file `model.base` names: `embedded` is the data set's shipped base, a relative path is the experiment's. */
export function resolveBasePath(base: string, experimentDir: string, embeddedPath: () => string): string {
  if (base === 'embedded') return embeddedPath();
  return isAbsolute(base) ? base : resolve(experimentDir, base);
}
