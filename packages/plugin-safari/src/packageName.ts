/** The npm package name, which fedtune shows in name clashes and experiment files list under "plugins". */
export const PACKAGE_NAME = '@fedtune/plugin-safari';
