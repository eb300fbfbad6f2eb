// Removes the RabbitMQ names a stack run under `namespace` declared (each backend service's RPC queue, its event
// consumers' queues with their retry and parking-lot queues, the two exchanges), so benchmarks and end-to-end runs
// leave the shared broker as they found it: left behind, durable quorum queues pile up across runs. The list of
// names lives in one place, `deleteBrokerNames` of @kasho/testing (loaded here once the workspace is built).
export async function deleteStackTopology(url, namespace) {
  const { deleteBrokerNames } = await import('@kasho/testing');
  await deleteBrokerNames(namespace, url);
}
