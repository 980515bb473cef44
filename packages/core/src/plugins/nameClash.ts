import { PluginError } from '../errors.js';

/**
 * The error for a second component of one kind under a name already taken: experiment files pick
 * components by name alone, so it names both packages rather than letting one shadow the other.
 */
export function componentNameClash(kind: string, name: string, first: string, second: string): PluginError {
  return new PluginError(`two ${kind}s are named "${name}": from ${first} and ${second}; rename one`);
}
