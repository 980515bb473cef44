import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { registerCoreComponents } from './register.js';

/**
 * A fresh child of tsyringe's root container with core's components registered, one per run or CLI
 * call. Kept apart from `corePlugin`, whose descriptor reads core's package.json at run time, so
 * browsers can build a container too.
 */
export function createFedtuneContainer(): DependencyContainer {
  const container = rootContainer.createChildContainer();
  registerCoreComponents(container);
  return container;
}
