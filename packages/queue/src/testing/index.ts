export { startTestRedis, type TestRedis, type TestRedisOptions } from './redisServer.js';
