/** The package name, as factories and the plugin descriptor report it. */
export const PACKAGE_NAME = '@fedtune/backend-gpujs';
