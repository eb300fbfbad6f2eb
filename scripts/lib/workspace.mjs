// Facts about the workspace shared by the repository scripts (test runner, local stack, drift check, bench).
import net from 'node:net';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Backend services in start order, with their local HTTP ports (health, metrics; the gateway serves the API). */
export const SERVICES = [
  { name: 'auth', port: 3001 },
  { name: 'account', port: 3002 },
  { name: 'transaction', port: 3003 },
  { name: 'payment', port: 3004 },
  { name: 'notification', port: 3005 },
  { name: 'gateway', port: 3000 },
];

export function assertNode24() {
  if (!process.version.startsWith('v24.')) {
    console.error(
      `Kasho runs on Node.js 24 (found ${process.version}). Use the npm scripts (npm test, npm start): ` +
        'they put the repository-pinned node_modules/.bin/node first on the PATH. Run `npm ci` first.',
    );
    process.exit(1);
  }
}

export function listProjects() {
  const projects = [];
  for (const group of ['libs', 'services']) {
    for (const name of readdirSync(path.join(repoRoot, group))) {
      const dir = path.join(repoRoot, group, name);
      if (existsSync(path.join(dir, 'package.json'))) {
        projects.push({
          name: JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).name,
          dir,
          group,
        });
      }
    }
  }
  // Projects that are a folder of their own rather than a member of libs/ or services/.
  for (const dir of ['deploy'].map((name) => path.join(repoRoot, name))) {
    if (existsSync(path.join(dir, 'package.json'))) {
      projects.push({
        name: JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).name,
        dir,
        group: 'tools',
      });
    }
  }
  return projects;
}

function reachable(host, port, timeoutMs = 1500) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function hostPort(url, defaultPort) {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || defaultPort) };
}

/** Says which of PostgreSQL, Redis and RabbitMQ cannot be reached, and how to start each on this machine. */
export async function checkInfrastructure(env = process.env) {
  const targets = [
    {
      name: 'PostgreSQL',
      ...hostPort(env.DATABASE_URL ?? 'postgres://127.0.0.1:5432', 5432),
      start: 'pg_ctlcluster 15 main start',
    },
    {
      name: 'Redis',
      ...hostPort(env.REDIS_URL ?? 'redis://127.0.0.1:6379', 6379),
      start: "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no",
    },
    {
      name: 'RabbitMQ',
      ...hostPort(env.AMQP_URL ?? 'amqp://127.0.0.1:5672', 5672),
      start: 'rabbitmq-server -detached',
    },
  ];
  const missing = [];
  for (const target of targets) {
    if (!(await reachable(target.host, target.port))) {
      missing.push(
        `${target.name} is not reachable on ${target.host}:${target.port}. Start it with: ${target.start}`,
      );
    }
  }
  return missing;
}
