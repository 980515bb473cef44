import type { LinearModuleInfo } from '../../contracts/adapter.js';
import { ConfigError } from '../../errors.js';

/** Module names shown in an error before the list is cut (a 32-layer model has hundreds). */
const NAMES_SHOWN = 12;

/**
 * Whether `key` selects `module` the way PEFT matches a list of `target_modules`: the module's
 * path equals the key or ends with `.key`, so `c_attn` selects every block's
 * `transformer.h.N.attn.c_attn`, and a full path selects one module.
 */
export function targetKeyMatches(key: string, moduleName: string): boolean {
  return moduleName === key || moduleName.endsWith(`.${key}`);
}

/** The names a target list can use, short: each distinct last path component, then some full paths. */
function describeAvailable(candidates: readonly LinearModuleInfo[]): string {
  const suffixes = [...new Set(candidates.map((module) => module.name.slice(module.name.lastIndexOf('.') + 1)))];
  const names = candidates.map((module) => module.name);
  const shownNames = names.slice(0, NAMES_SHOWN).join(', ') + (names.length > NAMES_SHOWN ? `, … (${names.length} in all)` : '');
  return suffixes.length < names.length ? `${suffixes.join(', ')}, or full paths such as ${shownNames}` : shownNames;
}

/**
 * The modules `requested` selects, in model order (every module but the head when `requested` is
 * undefined). Each key must select at least one module and never the head, which adapters train in
 * full; a {@link ConfigError} names the key and the names available otherwise.
 */
export function resolveTargetModules(
  modules: readonly LinearModuleInfo[],
  requested: readonly string[] | undefined
): LinearModuleInfo[] {
  const candidates = modules.filter((module) => !module.isHead);
  if (requested === undefined) return candidates;
  const available = describeAvailable(candidates);
  if (requested.length === 0) {
    throw new ConfigError(`targetModules is empty; list modules to adapt (available: ${available}) or omit it.`);
  }
  const seen = new Set<string>();
  for (const key of requested) {
    if (seen.has(key)) throw new ConfigError(`Target module "${key}" is listed twice; list it once.`);
    seen.add(key);
    const head = modules.find((module) => module.isHead && targetKeyMatches(key, module.name));
    if (head !== undefined) {
      throw new ConfigError(
        `Target module "${key}" is the head ("${head.name}"), which LoRA trains in full; remove it from targetModules (available: ${available}).`
      );
    }
    if (!candidates.some((module) => targetKeyMatches(key, module.name))) {
      throw new ConfigError(`Target module "${key}" matches no module; available modules: ${available}.`);
    }
  }
  return candidates.filter((module) => requested.some((key) => targetKeyMatches(key, module.name)));
}
