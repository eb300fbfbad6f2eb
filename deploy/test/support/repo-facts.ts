import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Dependency } from '../../src/chart-values.ts';
import { repoRoot } from '../../src/paths.ts';

// Facts read from the services' own sources, so the deployment is checked against what the code needs rather than
// against a second list that could be wrong in the same way.

/** Every directory of services/ that is a service (has a package.json). */
export function serviceDirectories(): string[] {
  const dir = path.join(repoRoot, 'services');
  return readdirSync(dir)
    .filter((name) => existsSync(path.join(dir, name, 'package.json')))
    .sort();
}

function configSource(service: string): string {
  return readFileSync(path.join(repoRoot, 'services', service, 'src/config.ts'), 'utf8');
}

/** What a service connects to, from the env fragments its config.ts spreads (postgresEnv, redisEnv, amqpEnv). */
export function serviceDependencies(service: string): Dependency[] {
  const source = configSource(service);
  const dependencies: Dependency[] = [];
  if (/\.\.\.postgresEnv\(/.test(source)) dependencies.push('postgres');
  if (/\.\.\.redisEnv\(/.test(source)) dependencies.push('redis');
  if (/\.\.\.amqpEnv\.shape/.test(source)) dependencies.push('amqp');
  return dependencies;
}

/** Environment variables declared `secret: true` anywhere in libs/config or a service's config.ts. */
export function secretVariables(): string[] {
  const files = [
    path.join(repoRoot, 'libs/config/src/fragments.ts'),
    ...serviceDirectories().map((service) => path.join(repoRoot, 'services', service, 'src/config.ts')),
  ];
  const names = new Set<string>();
  for (const file of files) {
    // The options object ends at the first "})" (a template literal's "${...}" may hold a "}" of its own).
    for (const match of readFileSync(file, 'utf8').matchAll(
      /([A-Z][A-Z0-9_]+): envVar\.\w+\(\{((?:(?!\}\)).)*)\}\)/gs,
    )) {
      if (/secret: true/.test(match[2])) names.add(match[1]);
    }
  }
  return [...names].sort();
}

/** Every environment variable name a service's config can read (its own file and the shared fragments). */
export function knownVariables(): Set<string> {
  const files = [
    path.join(repoRoot, 'libs/config/src/fragments.ts'),
    ...serviceDirectories().map((service) => path.join(repoRoot, 'services', service, 'src/config.ts')),
  ];
  const names = new Set<string>();
  for (const file of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(/\b([A-Z][A-Z0-9_]+): envVar\./g))
      names.add(match[1]);
  }
  return names;
}
