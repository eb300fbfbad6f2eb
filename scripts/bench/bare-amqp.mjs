// The reference: a bare amqplib request/reply loop over direct reply-to on the same broker, TCP_NODELAY on.
import { connect } from 'amqplib';

export async function startBareRpc(url, queue, prefetch) {
  const options = { noDelay: true };
  const serverConnection = await connect(url, options);
  const server = await serverConnection.createChannel();
  await server.assertQueue(queue, { exclusive: true, autoDelete: true });
  await server.prefetch(prefetch);
  await server.consume(queue, (message) => {
    server.sendToQueue(message.properties.replyTo, message.content, {
      correlationId: message.properties.correlationId,
    });
    server.ack(message);
  });

  const clientConnection = await connect(url, options);
  const client = await clientConnection.createChannel();
  const pending = new Map();
  let next = 0;
  await client.consume(
    'amq.rabbitmq.reply-to',
    (message) => {
      const resolve = pending.get(message.properties.correlationId);
      pending.delete(message.properties.correlationId);
      resolve?.(message.content);
    },
    { noAck: true },
  );
  const body = Buffer.from('{}');
  return {
    call: () =>
      new Promise((resolve) => {
        const correlationId = String(next++);
        pending.set(correlationId, resolve);
        client.sendToQueue(queue, body, { correlationId, replyTo: 'amq.rabbitmq.reply-to' });
      }),
    close: async () => {
      await clientConnection.close();
      await serverConnection.close();
    },
  };
}
