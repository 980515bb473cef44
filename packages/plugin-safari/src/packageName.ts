// Imported rather than copied, so the descriptor cannot drift from what `changeset version` writes;
// a JSON module (not a read through node:module) so bundlers can inline it for browsers.
import manifest from '../package.json' with { type: 'json' };

/** The npm package name, which fedtune shows in name clashes and experiment files list under "plugins". */
export const PACKAGE_NAME = manifest.name;

/** The package version, as published. */
export const PACKAGE_VERSION = manifest.version;
