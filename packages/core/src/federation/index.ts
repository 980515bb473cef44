export type { FederatedClient, Federation, FederationTask } from './types.js';
export { prepareFederation } from './prepareFederation.js';
export { clientSlots } from './clientSlots.js';
export { isShared, shareFeatureSet } from './sharedFeatures.js';
