export { closeRedisClient, createRedisClient, reconnectDelayMs, RedisClient } from './redis-client';
export type { RedisClientOptions } from './redis-client';
export { checkRedis } from './health';
export { RedisModule } from './redis.module';
export type { RedisModuleAsyncOptions, RedisModuleOptions } from './redis.module';
