// `npm start`: the whole Kasho platform on this machine as processes (no Docker needed). Ctrl-C stops it.
import { assertNode24, checkInfrastructure, SERVICES } from './lib/workspace.mjs';
import { build, migrateAll, servicePort, startServices } from './lib/stack.mjs';

assertNode24();
const missing = await checkInfrastructure();
if (missing.length > 0) {
  console.error('stack: cannot start, infrastructure is missing:');
  for (const line of missing) console.error(`  - ${line}`);
  process.exit(1);
}

// KASHO_SERVICES=auth,gateway runs just those (a test that needs only identity); all six by default.
const only = process.env.KASHO_SERVICES?.split(',').map((name) => name.trim());
const unknown = only?.filter((name) => !SERVICES.some((service) => service.name === name)) ?? [];
if (unknown.length > 0) {
  console.error(`stack: KASHO_SERVICES names unknown services: ${unknown.join(', ')}`);
  process.exit(1);
}

try {
  if (process.env.KASHO_SKIP_BUILD !== 'true') build();
  migrateAll(console.log, process.env, only);
  const stack = await startServices({ only });
  const gateway = `http://127.0.0.1:${servicePort('gateway')}`;
  console.log(`
stack: ${only ? `${only.join(', ')} are` : 'all six services are'} ready
  gateway   ${gateway}
  status    ${gateway}/v1/status
  OpenAPI   ${gateway}/openapi.json
  API docs  ${gateway}/docs
  metrics   ${gateway}/metrics (each service serves its own /metrics and /health/ready)
Press Ctrl-C to stop.`);

  let shuttingDown = false;
  const shutdown = async (signal) => {
    if (shuttingDown) return;
    shuttingDown = true;
    console.log(`\nstack: ${signal}: stopping all services`);
    await stack.stop();
    console.log('stack: stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // After start-up a crashed service is reported, not fatal: the others keep running, as under docker compose.
  stack.crashed.catch((error) =>
    console.error(`stack: ${error.message}; the others keep running (Ctrl-C stops all)`),
  );
} catch (error) {
  console.error(`stack: ${error.message}`);
  process.exit(1);
}
