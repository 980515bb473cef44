import { CheckpointError, PluginError } from '../../errors.js';
import type { Architecture } from './architecture.js';
import { mlpArchitecture } from './mlp.js';
import { transformerArchitecture } from './transformer.js';

/** The architectures checkpoints can name: the built-in ones, then any registered. */
const registry = new Map<string, Architecture>(
  [mlpArchitecture, transformerArchitecture].map((architecture) => [architecture.name, architecture])
);

/** Adds an architecture (another network shape, say) that checkpoints can name. */
export function registerArchitecture(architecture: Architecture): void {
  if (registry.has(architecture.name)) {
    throw new PluginError(`Architecture "${architecture.name}" is already registered; give the new one another name.`);
  }
  registry.set(architecture.name, architecture);
}

/** The names of every architecture base files can name: the built-in ones, then the registered ones. */
export function architectureNames(): string[] {
  return [...registry.keys()];
}

/** The architecture a checkpoint names; a {@link CheckpointError} listing the known ones otherwise. */
export function architectureFor(name: string | undefined, source: string): Architecture {
  const found = name === undefined ? undefined : registry.get(name);
  if (found === undefined) {
    const known = [...registry.keys()].join(', ');
    throw new CheckpointError(
      name === undefined
        ? `${source}: metadata has no "architecture" entry; save base models with saveBaseModel (known architectures: ${known}).`
        : `${source}: architecture "${name}" is unknown; known architectures: ${known} (register others with registerArchitecture).`
    );
  }
  return found;
}
