import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../src/paths.ts';
import { knownVariables, serviceDependencies, serviceDirectories } from './support/repo-facts.ts';

// docker-compose.yml cannot be started here (no Docker engine); these tests check what `docker compose up` relies on.

interface ComposeService {
  image?: string;
  build?: { context: string; args?: Record<string, string> };
  environment?: Record<string, string | null>;
  healthcheck?: { test: string[] | string };
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  volumes?: string[];
  profiles?: string[];
  read_only?: boolean;
  cap_drop?: string[];
}

const compose = parse(readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;
const kashoServices = Object.keys(services).filter((name) => services[name].build);
const composeServiceOf = { postgres: 'postgres', redis: 'redis', amqp: 'rabbitmq' } as const;

describe('docker-compose.yml', () => {
  it('builds exactly the services of services/, each from the Dockerfile with its own SERVICE', () => {
    expect([...kashoServices].sort()).toEqual(serviceDirectories());
    for (const name of kashoServices) expect(services[name].build?.args?.SERVICE).toBe(name);
  });

  it('runs PostgreSQL, Redis, RabbitMQ with management, Elasticsearch, Prometheus, Grafana, and tracing as a profile', () => {
    expect(services.rabbitmq.image).toMatch(/^rabbitmq:[\d.]+-management$/);
    expect(services.elasticsearch.environment?.['discovery.type']).toBe('single-node');
    for (const name of ['postgres', 'redis', 'prometheus', 'grafana']) expect(services[name]).toBeDefined();
    expect(services['otel-collector'].profiles).toEqual(['tracing']);
    expect(services.jaeger.profiles).toEqual(['tracing']);
  });

  it('health-checks every service that others wait for, and every Kasho service', () => {
    const awaited = new Set(
      Object.values(services).flatMap((service) => Object.keys(service.depends_on ?? {})),
    );
    const conditionsOnHealth = Object.values(services).flatMap((service) =>
      Object.entries(service.depends_on ?? {}).filter(
        ([, dependency]) => dependency.condition === 'service_healthy',
      ),
    );
    const needHealth = new Set([...kashoServices, ...conditionsOnHealth.map(([name]) => name)]);
    expect(awaited.size).toBeGreaterThan(0);
    const missing = [...needHealth].filter((name) => !services[name].healthcheck?.test);
    expect(missing).toEqual([]);
  });

  it.each(serviceDirectories())('starts %s only after its real dependencies are healthy', (name) => {
    const dependsOn = services[name].depends_on ?? {};
    for (const dependency of serviceDependencies(name)) {
      expect({ dependency, condition: dependsOn[composeServiceOf[dependency]]?.condition }).toEqual({
        dependency,
        condition: 'service_healthy',
      });
    }
    const unconditional = Object.entries(dependsOn)
      .filter(([, { condition }]) => !['service_healthy', 'service_started'].includes(condition))
      .map(([other]) => other);
    expect(unconditional).toEqual([]);
    const url = services[name].environment?.DATABASE_URL;
    if (serviceDependencies(name).includes('postgres')) {
      expect(url).toBe(`postgres://kasho_${name}@postgres:5432/kasho_${name}`);
    } else {
      expect(url).toBeUndefined();
    }
  });

  it('starts the gateway after every backend service is healthy', () => {
    const backends = serviceDirectories().filter((name) => name !== 'gateway');
    for (const backend of backends)
      expect(services.gateway.depends_on?.[backend]?.condition).toBe('service_healthy');
  });

  it('creates a database and an owning user for each service with a database', () => {
    const script = readFileSync(path.join(repoRoot, 'deploy/compose/postgres/init-databases.sh'), 'utf8');
    const listed = /for service in ([a-z ]+); do/.exec(script)?.[1].split(' ').sort();
    expect(listed).toEqual(
      serviceDirectories().filter((name) => serviceDependencies(name).includes('postgres')),
    );
    expect(script).toMatch(/CREATE DATABASE kasho_\$\{service\} OWNER kasho_\$\{service\}/);
    expect(services.postgres.volumes).toContain(
      './deploy/compose/postgres/init-databases.sh:/docker-entrypoint-initdb.d/init-databases.sh:ro',
    );
  });

  it('sets only variables the services read, and no credentials beyond the local defaults', () => {
    const known = knownVariables();
    for (const name of kashoServices) {
      const variables = Object.keys(services[name].environment ?? {});
      expect({ name, unknown: variables.filter((variable) => !known.has(variable)) }).toEqual({
        name,
        unknown: [],
      });
      for (const [variable, value] of Object.entries(services[name].environment ?? {})) {
        const credentials = /:\/\/([^/@]+)@/.exec(value ?? '')?.[1];
        if (credentials?.includes(':'))
          expect({ variable, credentials }).toEqual({ variable, credentials: 'guest:guest' });
      }
    }
  });

  it('pins every image and publishes ports on loopback only', () => {
    const unpinned = Object.entries(services)
      .filter(([, service]) => service.image && !/:(?!latest$)[\w.-]+$/.test(service.image))
      .map(([name]) => name);
    expect(unpinned).toEqual([]);
    const published = Object.values(services).flatMap((service) => service.ports ?? []);
    expect(published.length).toBeGreaterThan(0);
    expect(published.filter((port) => !port.startsWith('127.0.0.1:'))).toEqual([]);
  });

  it('runs Kasho containers with a read-only root filesystem and no capabilities', () => {
    for (const name of kashoServices) {
      expect({ name, readOnly: services[name].read_only, capDrop: services[name].cap_drop }).toEqual({
        name,
        readOnly: true,
        capDrop: ['ALL'],
      });
    }
  });

  it('lets Prometheus scrape every service and load the production alerts', () => {
    const config = parse(readFileSync(path.join(repoRoot, 'deploy/prometheus/prometheus.yml'), 'utf8')) as {
      rule_files: string[];
      scrape_configs: {
        job_name: string;
        static_configs: { targets: string[]; labels?: Record<string, string> }[];
      }[];
    };
    const kasho = config.scrape_configs.find((job) => job.job_name === 'kasho');
    const targets = kasho?.static_configs.flatMap((group) => group.targets) ?? [];
    expect(targets.sort()).toEqual(serviceDirectories().map((name) => `${name}:3000`));
    for (const group of kasho?.static_configs ?? [])
      expect(group.labels?.service).toBe(`kasho-${group.targets[0].split(':')[0]}`);
    expect(config.rule_files).toEqual(['/etc/prometheus/rules/alerts.yaml']);
    expect(services.prometheus.volumes).toContain(
      './deploy/k8s/kasho/files/alerts.yaml:/etc/prometheus/rules/alerts.yaml:ro',
    );
    expect(services.grafana.volumes).toEqual([
      './deploy/grafana/provisioning:/etc/grafana/provisioning:ro',
      './deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro',
    ]);
  });
});
