import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Manifest } from './manifest.ts';
import { repoRoot } from './paths.ts';

// Kubernetes API schemas come from kubernetes-models (one class per apiVersion/kind, validate() runs the OpenAPI
// schema). The package is ESM-only, so this module runs in plain Node (scripts/validate-manifests.ts), not inside
// Jest's CommonJS registry; the tests pipe manifests through that script. The three custom resources Kasho uses have no model there, so their required structure is checked here
// from the operators' CRDs (monitoring.coreos.com/v1, external-secrets.io/v1).

interface Model {
  validate(): void;
}
type ModelClass = new (data: unknown) => Model;

const modelsDir = path.join(repoRoot, 'node_modules/kubernetes-models');

async function builtInModel(manifest: Manifest): Promise<ModelClass | undefined> {
  const file = path.join(modelsDir, manifest.apiVersion, `${manifest.kind}.js`);
  if (!file.startsWith(modelsDir + path.sep) || !existsSync(file)) return undefined;
  const module = (await import(pathToFileURL(file).href)) as Record<string, ModelClass | undefined>;
  return module[manifest.kind];
}

type Check = (manifest: Manifest) => string[];
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const field = (value: unknown, key: string): unknown => (isObject(value) ? value[key] : undefined);

const customResources: Record<string, Check> = {
  'monitoring.coreos.com/v1/ServiceMonitor': (manifest) => {
    const endpoints = field(manifest.spec, 'endpoints');
    const problems: string[] = [];
    if (!isObject(field(manifest.spec, 'selector'))) problems.push('spec.selector is required');
    if (!Array.isArray(endpoints) || endpoints.length === 0)
      problems.push('spec.endpoints must list endpoints');
    else if (endpoints.some((endpoint) => typeof field(endpoint, 'port') !== 'string'))
      problems.push('every endpoint names a port');
    return problems;
  },
  'monitoring.coreos.com/v1/PrometheusRule': (manifest) => {
    const groups = field(manifest.spec, 'groups');
    if (!Array.isArray(groups) || groups.length === 0) return ['spec.groups must list rule groups'];
    return groups.flatMap((group, index) => {
      const rules = field(group, 'rules');
      if (typeof field(group, 'name') !== 'string') return [`groups[${index}].name is required`];
      if (!Array.isArray(rules)) return [`groups[${index}].rules must be a list`];
      return rules
        .filter((rule) => typeof field(rule, 'expr') !== 'string' || typeof field(rule, 'alert') !== 'string')
        .map(() => `groups[${index}]: every rule needs alert and expr strings`);
    });
  },
  'external-secrets.io/v1/ExternalSecret': (manifest) => {
    const problems: string[] = [];
    const store = field(manifest.spec, 'secretStoreRef');
    if (typeof field(store, 'name') !== 'string') problems.push('spec.secretStoreRef.name is required');
    if (!['SecretStore', 'ClusterSecretStore'].includes(String(field(store, 'kind'))))
      problems.push('spec.secretStoreRef.kind must be SecretStore or ClusterSecretStore');
    const data = field(manifest.spec, 'data');
    if (!Array.isArray(data) || data.length === 0) problems.push('spec.data must list keys');
    else if (
      data.some(
        (entry) => typeof field(entry, 'secretKey') !== 'string' || !isObject(field(entry, 'remoteRef')),
      )
    )
      problems.push('every spec.data entry needs secretKey and remoteRef');
    return problems;
  },
};

/** Problems with one manifest against its API schema; empty when valid. An unknown apiVersion/kind is a problem. */
export async function schemaProblems(manifest: Manifest): Promise<string[]> {
  const id = `${manifest.apiVersion}/${manifest.kind}`;
  if (typeof manifest.metadata?.name !== 'string' || manifest.metadata.name === '')
    return [`${id}: metadata.name is required`];
  const custom = customResources[id];
  if (custom) return custom(manifest).map((problem) => `${id} ${manifest.metadata.name}: ${problem}`);
  const model = await builtInModel(manifest);
  if (!model) return [`${id} ${manifest.metadata.name}: no schema known for this apiVersion/kind`];
  try {
    new model(manifest).validate();
    return [];
  } catch (error) {
    return [`${id} ${manifest.metadata.name}: ${error instanceof Error ? error.message : String(error)}`];
  }
}
