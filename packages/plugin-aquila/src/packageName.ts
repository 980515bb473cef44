/** The npm package name: shown in name clashes and listed under an experiment's "plugins". */
export const PACKAGE_NAME = '@fedtune/plugin-aquila';
