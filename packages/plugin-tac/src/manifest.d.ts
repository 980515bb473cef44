/**
 * The package's own package.json, imported as a JSON module for its plugin descriptor. Declared
 * here because the build's `rootDir` is `src`, which rules out `resolveJsonModule`; tsc emits the
 * import as written, and from `dist/` the same relative path reaches the published manifest.
 */
declare module '*/package.json' {
  const manifest: { name: string; version: string };
  export default manifest;
}
