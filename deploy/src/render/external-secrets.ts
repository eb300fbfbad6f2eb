import { type ChartValues } from '../chart-values.ts';
import { type Manifest, objectName, serviceLabels } from '../manifest.ts';

/**
 * The optional External Secrets Operator resources of templates/externalsecret.yaml: one ExternalSecret per service
 * that fills the Secret kasho-<service> from the Secrets Manager entry <remotePrefix>/<service>, one property per
 * key the service needs.
 */
export function externalSecret(values: ChartValues, service: string): Manifest {
  const { secretStoreRef, refreshInterval, remotePrefix } = values.externalSecrets;
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: objectName(service), labels: serviceLabels(service) },
    spec: {
      refreshInterval,
      secretStoreRef,
      target: { name: objectName(service), creationPolicy: 'Orphan' },
      data: values.services[service].secretKeys.map((key) => ({
        secretKey: key,
        remoteRef: { key: `${remotePrefix}/${service}`, property: key },
      })),
    },
  };
}

export function externalSecrets(values: ChartValues): Manifest[] {
  return Object.keys(values.services).map((name) => externalSecret(values, name));
}
