import * as tf from '@tensorflow/tfjs-core';
import type { FrozenLinear, LinearModuleInfo } from '../../contracts/adapter.js';
import { ConfigError, ShapeError } from '../../errors.js';

/** Computes one linear module's output; the trainer supplies it so adapters can override modules. */
export type LinearFunction = (module: LinearModuleInfo, x: tf.Tensor2D) => tf.Tensor2D;

/**
 * A frozen base network seen as named linear modules joined by fixed glue (activations,
 * reshapes). Adapters never see the architecture: `forward` calls `linear` for every linear module,
 * in `modules` order, and the caller decides what each one computes.
 */
export interface BaseModel {
  /** Registry name of the architecture, e.g. `mlp`. */
  readonly architecture: string;
  /** Every linear module in forward order; exactly one is the head. */
  readonly modules: readonly LinearModuleInfo[];
  /** Frozen weights by module name, created once and shared by every trainer of this model. */
  readonly frozen: ReadonlyMap<string, FrozenLinear>;
  /**
   * Frozen tensors that belong to no linear module (embeddings, layer norms), by the name the
   * checkpoint stores them under. Absent for architectures made of linear modules only.
   */
  readonly frozenTensors?: ReadonlyMap<string, tf.Tensor>;
  /** Features per example. */
  readonly inputSize: number;
  /** Outputs of the base's own head (the classes it was pre-trained on). */
  readonly numClasses: number;
  /** String metadata saved with the checkpoint: architecture settings and provenance. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Logits `[batch, head outputs]` for inputs `[batch, inputSize]`. */
  forward(x: tf.Tensor2D, linear: LinearFunction): tf.Tensor2D;
  /** Releases the frozen tensors; the model is unusable afterwards. */
  dispose(): void;
}

/** A frozen tensor outside the linear modules, on the host: row-major values and their shape. */
export interface HostTensor {
  shape: readonly number[];
  data: Float32Array;
}

/** One linear module's weights on the host: weight `[out, in]` row-major, optional bias `[out]`. */
export interface HostLinear {
  weight: Float32Array;
  bias: Float32Array | undefined;
}

/** x·Wᵀ for a weight `[out, in]`. */
export function timesTransposed(x: tf.Tensor2D, weight: tf.Tensor2D): tf.Tensor2D {
  // An explicit transpose keeps the product itself untransposed, which the wasm backend runs through
  // XNNPACK; its loop for transposed operands is several times slower.
  return tf.matMul(x, tf.transpose(weight));
}

/** y = x·Wᵀ + b, PyTorch's `nn.Linear` with weight `[out, in]`. */
export function affine(x: tf.Tensor2D, weight: tf.Tensor2D, bias: tf.Tensor1D | undefined): tf.Tensor2D {
  const product = timesTransposed(x, weight);
  return bias === undefined ? product : tf.add<tf.Tensor2D>(product, bias);
}

/**
 * Frozen weights with a transposed copy (`[in, out]`), made once per model. With both layouts, the
 * forward product x·Wᵀ and its input gradient dy·W are plain matrix products on constant weights,
 * which the wasm backend runs through XNNPACK with the weights packed once and cached.
 */
interface PreparedFrozenLinear extends FrozenLinear {
  weightTransposed: tf.Tensor2D;
}

function isPrepared(frozen: FrozenLinear): frozen is PreparedFrozenLinear {
  return 'weightTransposed' in frozen;
}

/** The trainer's cached frozen output ({@link FrozenLinear.cachedOutput}) when it is for `x` itself. */
export function cachedOutputOf(x: tf.Tensor2D, frozen: FrozenLinear): tf.Tensor2D | undefined {
  const cached = frozen.cachedOutput;
  return cached !== undefined && cached.input === x ? cached.output : undefined;
}

/**
 * The frozen module's own output, for modules an adapter leaves as they are (or adds to): the
 * trainer's cached output where it holds one for `x`, else the product.
 */
export function frozenLinear(x: tf.Tensor2D, frozen: FrozenLinear): tf.Tensor2D {
  const cached = cachedOutputOf(x, frozen);
  if (cached !== undefined) return cached;
  if (!isPrepared(frozen)) return affine(x, frozen.weight, frozen.bias);
  const { weight, weightTransposed, bias } = frozen;
  const product = tf.customGrad((input) => ({
    value: tf.fused.matMul({ a: input as tf.Tensor2D, b: weightTransposed, bias }),
    // Only the input needs a gradient: the weights are frozen.
    gradFunc: (dy) => tf.matMul(dy as tf.Tensor2D, weight),
  }));
  return product(x) as tf.Tensor2D;
}

/** Releases a frozen map's tensors, including the transposed copies {@link frozenFromHost} made. */
export function disposeFrozen(frozen: ReadonlyMap<string, FrozenLinear>): void {
  for (const module of frozen.values()) {
    module.weight.dispose();
    module.bias?.dispose();
    if (isPrepared(module)) module.weightTransposed.dispose();
  }
}

/**
 * Creates the frozen tf tensors of `modules` from host weights (release them with
 * {@link disposeFrozen}). Every module needs a weight of
 * `out·in` values and, when present, a bias of `out` values (a {@link ShapeError} otherwise).
 */
export function frozenFromHost(
  modules: readonly LinearModuleInfo[],
  weights: ReadonlyMap<string, HostLinear>
): Map<string, FrozenLinear> {
  for (const module of modules) {
    const host = weights.get(module.name);
    if (host === undefined) {
      throw new ShapeError(`Weights for module "${module.name}" are missing; pass one entry per module.`);
    }
    if (host.weight.length !== module.outFeatures * module.inFeatures) {
      throw new ShapeError(
        `Module "${module.name}" weight has ${host.weight.length} values; [${module.outFeatures}, ${
          module.inFeatures
        }] needs ${module.outFeatures * module.inFeatures}.`
      );
    }
    if (host.bias !== undefined && host.bias.length !== module.outFeatures) {
      throw new ShapeError(
        `Module "${module.name}" bias has ${host.bias.length} values; it needs ${module.outFeatures}.`
      );
    }
  }
  return new Map(
    modules.map((module) => {
      const host = weights.get(module.name) as HostLinear;
      const weight = tf.tensor2d(host.weight.slice(), [module.outFeatures, module.inFeatures]);
      const frozen: PreparedFrozenLinear = {
        weight,
        weightTransposed: tf.transpose(weight),
        bias: host.bias === undefined ? undefined : tf.tensor1d(host.bias.slice()),
      };
      return [module.name, frozen];
    })
  );
}

/** Copies a model's frozen weights back to the host (for saving). */
export function hostFromFrozen(model: BaseModel): Map<string, HostLinear> {
  return new Map(
    model.modules.map((module) => {
      const frozen = frozenOf(model.frozen, module.name);
      const host: HostLinear = {
        weight: Float32Array.from(frozen.weight.dataSync()),
        bias: frozen.bias === undefined ? undefined : Float32Array.from(frozen.bias.dataSync()),
      };
      return [module.name, host];
    })
  );
}

/** Copies a model's other frozen tensors ({@link BaseModel.frozenTensors}) back to the host. */
export function hostTensorsFromFrozen(model: BaseModel): Map<string, HostTensor> {
  return new Map(
    [...(model.frozenTensors ?? new Map<string, tf.Tensor>())].map(([name, tensor]) => [
      name,
      { shape: tensor.shape, data: Float32Array.from(tensor.dataSync()) },
    ])
  );
}

/** The frozen weights of module `name`; a {@link ShapeError} when the map lacks it. */
export function frozenOf(frozen: ReadonlyMap<string, FrozenLinear>, name: string): FrozenLinear {
  const found = frozen.get(name);
  if (found === undefined) {
    throw new ShapeError(
      `The base model has no frozen weights for module "${name}"; pass the frozen map of the model the adapter was created for.`
    );
  }
  return found;
}

/** The model's head module (exactly one module has `isHead`). */
export function headModule(modules: readonly LinearModuleInfo[]): LinearModuleInfo {
  const heads = modules.filter((module) => module.isHead);
  if (heads.length !== 1) {
    throw new ConfigError(
      `A base model needs exactly one head module, found ${heads.length} (${
        heads.map((m) => m.name).join(', ') || 'none'
      }); mark the classifier with isHead.`
    );
  }
  return heads[0] as LinearModuleInfo;
}
