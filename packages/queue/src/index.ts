export { parseRedisUrl, maskPassword, type RedisAddress } from './redis/redisAddress.js';
export { redisClient, type ReconnectPolicy } from './redis/redisClient.js';
export { queuedTrainers, type QueuedTrainersOptions } from './run/queuedTrainers.js';
export { startQueueWorker, type QueueWorker, type QueueWorkerOptions } from './worker/queueWorker.js';
export {
  acceptResult,
  resultKeyOf,
  trainedSlot,
  type TrainingJobData,
  type TrainingJobReply,
  type TrainedSlot,
  type VectorReference,
} from './jobs/trainingJob.js';
export { resultKey, TRAINING_QUEUE } from './jobs/queueKeys.js';
