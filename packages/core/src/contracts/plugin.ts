import type { DependencyContainer } from 'tsyringe';

/**
 * What a plugin package exports (as its default export or as `plugin`). `register` binds the
 * package's implementations under names with {@link registerNamed}; the experiment file then picks
 * them by name.
 */
export interface FedtunePlugin {
  /** The npm package name, e.g. `@fedtune/plugin-aquila`. */
  readonly name: string;
  readonly version: string;
  register(container: DependencyContainer): void;
}
