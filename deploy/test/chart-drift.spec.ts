import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { chartDir, loadChartValues } from '../src/chart-values.ts';
import { type Manifest } from '../src/manifest.ts';
import { kustomizeDir, repoRoot } from '../src/paths.ts';
import { renderKustomize } from '../src/render/kustomize-base.ts';
import { parseManifests } from './support/kustomize.ts';
import { secretVariables, serviceDependencies, serviceDirectories } from './support/repo-facts.ts';
import { itWith, run } from './support/tools.ts';

// The Helm chart and the kustomize base must not drift apart. The base is the chart's default rendering
// (scripts/render-kustomize-base.ts from values.yaml); these tests fail when the committed base, values.yaml, the
// templates or the services' own config disagree. Where helm is installed, the chart itself is rendered and compared.

const values = loadChartValues();
const rendered = renderKustomize(values);
const key = (manifest: Manifest) => `${manifest.kind}/${manifest.metadata.name}`;

function committed(dir: string, file: string): unknown {
  const text = readFileSync(path.join(kustomizeDir, dir, file), 'utf8');
  return file === 'kustomization.yaml' ? parse(text) : parseManifests(text);
}

describe('chart ↔ kustomize drift', () => {
  describe.each(Object.keys(rendered))('%s', (dir) => {
    it('holds exactly the files rendered from values.yaml', () => {
      const files = readdirSync(path.join(kustomizeDir, dir)).filter((file) => file.endsWith('.yaml'));
      expect(files.sort()).toEqual(['kustomization.yaml', ...Object.keys(rendered[dir].files)].sort());
    });

    it('equals the rendering of values.yaml, object by object (run `npm run render -w @kasho/deploy`)', () => {
      expect(committed(dir, 'kustomization.yaml')).toEqual(rendered[dir].kustomization);
      for (const [file, manifests] of Object.entries(rendered[dir].files)) {
        expect({ file, manifests: committed(dir, file) }).toEqual({ file, manifests });
      }
    });
  });

  it('deploys each directory of services/ with the dependencies its config.ts declares', () => {
    expect(Object.keys(values.services).sort()).toEqual(serviceDirectories());
    for (const service of serviceDirectories()) {
      expect({ service, dependencies: [...values.services[service].dependencies].sort() }).toEqual({
        service,
        dependencies: serviceDependencies(service).sort(),
      });
    }
  });

  it('expects in each Secret the connection secrets of its dependencies and the service’s own secrets', () => {
    const urlOf = { postgres: 'DATABASE_URL', redis: 'REDIS_URL', amqp: 'AMQP_URL' } as const;
    const secrets = secretVariables();
    for (const service of serviceDirectories()) {
      const source = readFileSync(path.join(repoRoot, 'services', service, 'src/config.ts'), 'utf8');
      const own = secrets.filter(
        (name) => !Object.values(urlOf).includes(name as never) && source.includes(name),
      );
      const expected = [
        ...serviceDependencies(service).map((dependency) => urlOf[dependency]),
        ...own,
      ].sort();
      expect({ service, keys: [...values.services[service].secretKeys].sort() }).toEqual({
        service,
        keys: expected,
      });
    }
  });

  it('has a template for every kind the rendering holds, reading the same values', () => {
    const templates = readdirSync(path.join(chartDir, 'templates'))
      .filter((file) => file.endsWith('.yaml'))
      .map((file) => readFileSync(path.join(chartDir, 'templates', file), 'utf8'))
      .join('\n');
    const kinds = new Set(
      Object.values(rendered).flatMap((dir) =>
        Object.values(dir.files)
          .flat()
          .map((m) => m.kind),
      ),
    );
    for (const kind of kinds)
      expect({ kind, templated: templates.includes(`kind: ${kind}`) }).toEqual({ kind, templated: true });
    const readsOfValues = [
      '.Values.probes.startup',
      '.Values.probes.liveness',
      '.Values.probes.readiness',
      '.Values.podSecurityContext',
      '.Values.containerSecurityContext',
      '.Values.rollingUpdate',
      '.Values.containerPort',
      '.Values.topologySpread.zone',
      '.Values.podDisruptionBudget.maxUnavailable',
      '$svc.autoscaling.minReplicas',
      '$svc.dependencies',
      '$svc.secretKeys',
      '.Values.defaultResources $svc.resources',
      'automountServiceAccountToken: false',
      'helm.sh/hook: pre-install,pre-upgrade',
      '.Files.Get "files/alerts.yaml"',
    ];
    for (const read of readsOfValues)
      expect({ read, present: templates.includes(read) }).toEqual({ read, present: true });
  });

  itWith('helm')('helm template renders what the kustomize base holds', () => {
    const output = run('helm', ['template', 'kasho', chartDir, '--set', 'externalSecrets.enabled=true']);
    expect(output.stderr).not.toMatch(/error/i);
    const withoutHooks = (manifest: Manifest): Manifest => {
      const { annotations: all = {}, ...metadata } = manifest.metadata;
      const annotations = Object.fromEntries(
        Object.entries(all).filter(([name]) => !name.startsWith('helm.sh/')),
      );
      return {
        ...manifest,
        metadata: Object.keys(annotations).length > 0 ? { ...metadata, annotations } : metadata,
      };
    };
    const fromHelm = new Map(parseManifests(output.stdout).map((m) => [key(m), withoutHooks(m)]));
    const fromKustomize = new Map(
      Object.values(rendered).flatMap((dir) =>
        Object.values(dir.files)
          .flat()
          .map((m) => [key(m), m] as const),
      ),
    );
    expect([...fromHelm.keys()].sort()).toEqual([...fromKustomize.keys()].sort());
    for (const [name, manifest] of fromKustomize)
      expect({ name, manifest: fromHelm.get(name) }).toEqual({ name, manifest });
  });
});
