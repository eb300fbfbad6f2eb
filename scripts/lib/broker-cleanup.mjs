// Removes the RabbitMQ names a stack run under `namespace` declared (the RPC queue of each backend service and
// the two exchanges), so benchmarks and end-to-end runs leave the shared broker as they found it.
import { connect } from 'amqplib';
import { SERVICES } from './workspace.mjs';

export async function deleteStackTopology(url, namespace) {
  const connection = await connect(url);
  try {
    const channel = await connection.createChannel();
    for (const { name } of SERVICES)
      if (name !== 'gateway') await channel.deleteQueue(`${namespace}rpc.${name}`);
    await channel.deleteExchange(`${namespace}kasho.rpc`);
    await channel.deleteExchange(`${namespace}kasho.events`);
  } finally {
    await connection.close();
  }
}
