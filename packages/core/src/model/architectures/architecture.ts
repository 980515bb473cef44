import type { LinearModuleInfo } from '../../contracts/adapter.js';
import type { BaseModel, HostLinear, HostTensor } from './baseModel.js';

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
