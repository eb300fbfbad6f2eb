// The reference for the gateway rows of `npm run bench:rpc`: NestJS on Fastify with nothing of Kasho's around it
// (no hooks, guards, tracing, metrics, rate limits or request logging), one route that makes the same RPC with the
// same messaging library. What the real gateway costs beyond this is what Kasho's gateway itself adds.
require('reflect-metadata');
const { Controller, Get, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');
const { Messaging } = require('@kasho/messaging');
const { systemStatusRpc } = require('@kasho/contracts');

const silent = { log() {}, warn() {}, error() {}, debug() {}, verbose() {} };

async function main() {
  const messaging = await Messaging.connect({
    url: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    service: 'gateway',
    namespace: process.env.AMQP_NAMESPACE ?? '',
    logger: silent,
  });
  class PlainStatusController {
    status() {
      return messaging.rpcClient.call(systemStatusRpc('auth'), {});
    }
    live() {
      return { status: 'ok' };
    }
  }
  for (const [method, path] of [
    ['status', 'status/auth'],
    ['live', 'live'],
  ]) {
    const descriptor = Object.getOwnPropertyDescriptor(PlainStatusController.prototype, method);
    Get(path)(PlainStatusController.prototype, method, descriptor);
  }
  Controller()(PlainStatusController);
  class PlainModule {}
  Module({ controllers: [PlainStatusController] })(PlainModule);

  const app = await NestFactory.create(PlainModule, new FastifyAdapter(), { logger: false });
  await app.listen(Number(process.env.HTTP_PORT), '127.0.0.1');
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => {
    void app
      .close()
      .then(() => messaging.close())
      .then(() => process.exit(0));
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
