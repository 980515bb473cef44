import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { registerCoreComponents } from './register.js';

/**
 * A fresh child of tsyringe's root container with core's components registered, one per run or CLI
 * call: the one place core's components are registered, for `corePlugin` and for containers in
 * Node and browsers alike.
 */
export function createFedtuneContainer(): DependencyContainer {
  const container = rootContainer.createChildContainer();
  registerCoreComponents(container);
  return container;
}
