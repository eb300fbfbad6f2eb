import { type ChartValues } from '../chart-values.ts';
import { type Manifest } from '../manifest.ts';
import { externalSecrets } from './external-secrets.ts';
import { gatewayIngress } from './ingress.ts';
import { migrations } from './migrations.ts';
import { serviceMonitor, prometheusRule } from './monitoring.ts';
import { defaultDeny, migrationNetworkPolicy, serviceNetworkPolicy } from './network-policies.ts';
import { serviceWorkload, sharedConfigMap } from './workloads.ts';

/** A kustomization directory: its manifest files (name -> objects) and its kustomization.yaml. */
export interface KustomizeDir {
  files: Record<string, Manifest[]>;
  kustomization: Record<string, unknown>;
}

function dir(files: Record<string, Manifest[]>, kind = 'Kustomization'): KustomizeDir {
  const apiVersion =
    kind === 'Component' ? 'kustomize.config.k8s.io/v1alpha1' : 'kustomize.config.k8s.io/v1beta1';
  return { files, kustomization: { apiVersion, kind, resources: Object.keys(files) } };
}

/**
 * The chart rendered with values.yaml, as kustomize directories under deploy/k8s/kustomize: `base` (what runs),
 * `migrations` (applied and awaited before base on every upgrade) and `components/external-secrets` (optional).
 */
export function renderKustomize(values: ChartValues): Record<string, KustomizeDir> {
  const services: Record<string, Manifest[]> = {};
  for (const name of Object.keys(values.services)) {
    services[`${name}.yaml`] = [...serviceWorkload(values, name), serviceNetworkPolicy(values, name)];
  }
  return {
    base: dir({
      'common.yaml': [sharedConfigMap(values), defaultDeny(), migrationNetworkPolicy(values)],
      ...services,
      'ingress.yaml': gatewayIngress(values),
      'monitoring.yaml': [serviceMonitor(values), prometheusRule()],
    }),
    migrations: dir({ 'jobs.yaml': migrations(values) }),
    'components/external-secrets': dir({ 'external-secrets.yaml': externalSecrets(values) }, 'Component'),
  };
}
