export { minimumCostAssignment } from './assignment.js';
export { adjustedRandIndex, clusteringAccuracy } from './clustering.js';
