import type { LinearModuleInfo } from '../contracts/adapter.js';
import { CheckpointError, PluginError } from '../errors.js';
import type { BaseModel, HostLinear, HostTensor } from './baseModel.js';
import { mlpArchitecture } from './mlp.js';
import { transformerArchitecture } from './transformer.js';

/**
 * How a checkpoint of one architecture is rebuilt. Shape checks against the checkpoint are common
 * to all architectures (see `loadBaseModel`); an architecture only says which modules its metadata
 * implies and how to assemble the model.
 */
export interface Architecture {
  /** The `architecture` metadata value that selects it, e.g. `mlp`. */
  readonly name: string;
  /** The linear modules a checkpoint with this metadata holds; a {@link CheckpointError} naming `source` on bad metadata. */
  modulesOf(metadata: Readonly<Record<string, string>>, source: string): LinearModuleInfo[];
  /**
   * The other frozen tensors (embeddings, norms) a checkpoint with this metadata holds, by name and
   * shape; absent when the architecture has linear modules only.
   */
  tensorShapesOf?(metadata: Readonly<Record<string, string>>, source: string): Map<string, number[]>;
  /**
   * Builds the model from weights already checked against {@link Architecture.modulesOf} and, when
   * it has {@link Architecture.tensorShapesOf}, the other tensors checked against their shapes.
   */
  build(
    metadata: Readonly<Record<string, string>>,
    weights: ReadonlyMap<string, HostLinear>,
    tensors: ReadonlyMap<string, HostTensor>
  ): BaseModel;
}

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
