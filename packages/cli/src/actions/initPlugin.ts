import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@fedtune/core/light';
import { displayPath } from '../displayPath.js';
import type { CliIo } from '../io.js';

/** The kinds of component `--kind` accepts, each a folder of templates. */
export const PLUGIN_KINDS = ['aggregator', 'compressor', 'selector', 'adapter', 'backend'] as const;

/** Options of `fedtune init plugin`, as commander parses them. */
export interface InitPluginOptions {
  dir?: string;
  kind: string;
  /** The package's licence: an SPDX identifier or expression, or UNLICENSED. */
  license: string;
}

/** What each kind's starting component does, for its component manifest. */
const KIND_DESCRIPTIONS: Record<(typeof PLUGIN_KINDS)[number], string> = {
  aggregator: 'the plain mean of the received updates',
  compressor: 'every value as a 32-bit float',
  selector: 'every client, every round',
  adapter: 'low-rank adapters on the targeted linear modules',
  backend: 'numeric kernels (for now, the reference ones)',
};

const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/plugin/', import.meta.url));
/** Template files end in this, so the repository's tools do not take them for its own sources. */
const TEMPLATE_SUFFIX = '.tmpl';
/** An npm package name, optionally scoped, whose last part also names the component and its class. */
const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z][a-z0-9-]*$/;
/** The usual prefix of a plugin package, left out of the component's name. */
const PLUGIN_PREFIX = 'fedtune-plugin-';
/** An SPDX licence identifier or expression (`MIT`, `Apache-2.0`, `MIT OR Apache-2.0`), or `UNLICENSED`. */
const LICENSE = /^[A-Za-z0-9][A-Za-z0-9.+:-]*( (AND|OR|WITH) [A-Za-z0-9][A-Za-z0-9.+:-]*)*$/;

/**
 * Writes a plugin package with one component of `options.kind` (built on the shape of the
 * repository's example plugin): package.json (with `options.license`), tsconfigs, the source, its
 * component manifest, its tests and a README.
 * @throws ConfigError for a bad name, kind or licence, or a target folder that exists and is not empty.
 */
export function initPluginCommand(name: string, options: InitPluginOptions, io: CliIo): void {
  if (!PACKAGE_NAME.test(name) || name.length > 214) {
    throw new ConfigError(
      `plugin name ${JSON.stringify(name)} is not usable: give an npm package name of lower-case letters, digits and ` +
        'hyphens, starting with a letter and optionally scoped, such as fedtune-plugin-median or @me/fedtune-plugin-median',
    );
  }
  const kind = PLUGIN_KINDS.find((known) => known === options.kind);
  if (kind === undefined) throw new ConfigError(`--kind ${options.kind} is not a component kind; choose one of: ${PLUGIN_KINDS.join(', ')}`);
  const { license } = options;
  if (!LICENSE.test(license)) {
    throw new ConfigError(
      `--license ${JSON.stringify(license)} is not an SPDX licence: give an identifier such as MIT, Apache-2.0 or ISC ` +
        '(or an expression such as "MIT OR Apache-2.0"), or UNLICENSED for a package you will not publish',
    );
  }
  const folderName = basename(name);
  const target = resolve(options.dir ?? folderName);
  if (existsSync(target) && readdirSync(target).length > 0) {
    throw new ConfigError(`${options.dir ?? folderName} already exists and is not empty; choose another --dir`);
  }
  const unprefixed = folderName.startsWith(PLUGIN_PREFIX) ? folderName.slice(PLUGIN_PREFIX.length) : '';
  const componentName = /^[a-z]/.test(unprefixed) ? unprefixed : folderName;
  const values: Record<string, string> = {
    __PACKAGE_NAME__: name,
    __COMPONENT_NAME__: componentName,
    __CLASS_NAME__: className(componentName, kind),
    __KIND__: kind,
    __DESCRIPTION__: KIND_DESCRIPTIONS[kind],
    __LICENSE__: license,
    __FOLDER_NAME__: basename(target),
    __CORE_VERSION__: installedCoreVersion(),
  };
  for (const source of [join(TEMPLATES_DIR, 'common'), join(TEMPLATES_DIR, kind)]) {
    for (const file of templateFiles(source)) {
      const text = readFileSync(join(source, file), 'utf8').replace(/__[A-Z_]+__/g, (key) => values[key] ?? key);
      const out = join(target, file.slice(0, -TEMPLATE_SUFFIX.length));
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, text);
    }
  }
  io.stdout.write(
    `wrote the ${kind} plugin ${name} to ${displayPath(target)}; next: cd ${displayPath(target)} && npm install && npm run build && npm test\n`,
  );
}

/** `median-of-means` and `aggregator` → `MedianOfMeansAggregator`. */
function className(componentName: string, kind: string): string {
  const capitalised = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
  const words = componentName.split('-').filter((word) => word !== '');
  const base = words.map(capitalised).join('');
  return base.endsWith(capitalised(kind)) ? base : base + capitalised(kind);
}

/** The version of the @fedtune/core this CLI runs with: the one the plugin is written against. */
function installedCoreVersion(): string {
  return (createRequire(import.meta.url)('@fedtune/core/package.json') as { version: string }).version;
}

/** The template files under `folder`, as paths relative to it. */
function templateFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(TEMPLATE_SUFFIX))
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)));
}
