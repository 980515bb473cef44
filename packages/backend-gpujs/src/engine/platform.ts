/**
 * What the platform offers for opening a GPU context, read without touching gpu.js, so the
 * reasons in error messages stay true even when gpu.js cannot say why a context failed.
 */

/** True in Node (and other server runtimes with `process.versions.node`), false in a browser page. */
export function isNodeRuntime(): boolean {
  const processLike = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof processLike?.versions?.node === 'string';
}

/** The X display headless-gl would connect to, or undefined when none is set. */
export function xDisplay(): string | undefined {
  const environment = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const display = environment?.DISPLAY;
  return display === undefined || display === '' ? undefined : display;
}

/** The platform name Node reports (`linux`, `darwin`, `win32`), or undefined in a browser. */
export function nodePlatform(): string | undefined {
  return (globalThis as { process?: { platform?: string } }).process?.platform;
}
