import { type ChartValues } from '../chart-values.ts';
import { type Manifest, objectName, serviceLabels } from '../manifest.ts';

/** The public entry: HTTPS only, to the gateway, as templates/ingress.yaml renders it. */
export function gatewayIngress(values: ChartValues): Manifest[] {
  const publicServices = Object.keys(values.services).filter((name) => values.services[name].public);
  return publicServices.map((name) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: objectName(name),
      labels: serviceLabels(name),
      annotations: values.ingress.annotations,
    },
    spec: {
      ingressClassName: values.ingress.className,
      tls: [{ hosts: [values.ingress.host], secretName: values.ingress.tlsSecretName }],
      rules: [
        {
          host: values.ingress.host,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: objectName(name), port: { name: 'http' } } },
              },
            ],
          },
        },
      ],
    },
  }));
}
