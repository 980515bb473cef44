export type { FederatedClient, Federation, FederationTask } from './types.js';
export { prepareFederation } from './prepareFederation.js';
export { prepareFederationFrom, type SourceFederationOptions } from './federationFromSource.js';
export { buildImageFederation, type LoadedBase, type OwnImages } from './imageFederation.js';
export { IMAGE_FOLDER_TEST_FRACTION } from './imageFolderFederation.js';
export { clientSlots } from './clientSlots.js';
export { isShared, shareFeatureSet } from './sharedFeatures.js';
export { DEFAULT_HF_CONTEXT_LENGTH } from './hfBase.js';
export { TEXT_FILES_TEST_FRACTION } from './textFilesFederation.js';
