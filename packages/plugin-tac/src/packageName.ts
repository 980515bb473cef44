import { createRequire } from 'node:module';

// Read at run time, so the descriptor cannot drift from what `changeset version` writes.
const manifest = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

/** The npm package name, which fedtune shows in name clashes and experiment files list under "plugins". */
export const PACKAGE_NAME = manifest.name;

/** The package version, as published. */
export const PACKAGE_VERSION = manifest.version;
