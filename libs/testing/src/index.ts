export { createTestDatabase, TEST_POSTGRES_URL } from './test-database';
export type { TestDatabase } from './test-database';
export { createTestNamespace, TEST_AMQP_URL, TEST_REDIS_URL } from './test-namespace';
export { uniqueEmail, uniqueIdempotencyKey, uniqueSuffix } from './factories';
export { freePort } from './free-port';
export { deleteBrokerNames, REPO_ROOT, startStackProcess } from './stack-process';
export type { StackProcess, StackProcessOptions } from './stack-process';
