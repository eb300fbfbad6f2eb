import { type ChartValues, type Dependency } from '../chart-values.ts';
import { type Manifest, objectName, selectorLabels, serviceLabels } from '../manifest.ts';

// Zero trust, as templates/networkpolicy.yaml renders it: a namespace-wide deny, then one policy per service that
// lets in only the ingress controller (gateway) and Prometheus, and lets out only DNS, the trace collector and the
// service's own dependencies.

const namespaceSelector = (namespace: string) => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
});

export function defaultDeny(): Manifest {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'kasho-default-deny', labels: { 'app.kubernetes.io/part-of': 'kasho' } },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  };
}

function dnsEgress(values: ChartValues) {
  const { namespace, podLabel } = values.networkPolicy.dns;
  return {
    to: [{ ...namespaceSelector(namespace), podSelector: { matchLabels: podLabel } }],
    ports: [
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ],
  };
}

function dependencyEgress(values: ChartValues, dependencies: readonly Dependency[]) {
  return {
    to: [{ ipBlock: { cidr: values.networkPolicy.vpcCidr } }],
    ports: dependencies.map((dependency) => ({
      protocol: 'TCP',
      port: values.networkPolicy.ports[dependency],
    })),
  };
}

export function serviceNetworkPolicy(values: ChartValues, service: string): Manifest {
  const settings = values.services[service];
  const { containerPort } = values;
  const { ingressControllerNamespace, monitoringNamespace, otelCollector } = values.networkPolicy;
  const ingress = [
    { from: [namespaceSelector(monitoringNamespace)], ports: [{ protocol: 'TCP', port: containerPort }] },
    ...(settings.public
      ? [
          {
            from: [namespaceSelector(ingressControllerNamespace)],
            ports: [{ protocol: 'TCP', port: containerPort }],
          },
        ]
      : []),
  ];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: objectName(service), labels: serviceLabels(service) },
    spec: {
      podSelector: { matchLabels: selectorLabels(service) },
      policyTypes: ['Ingress', 'Egress'],
      ingress,
      egress: [
        dnsEgress(values),
        {
          to: [namespaceSelector(otelCollector.namespace)],
          ports: [{ protocol: 'TCP', port: otelCollector.port }],
        },
        dependencyEgress(values, settings.dependencies),
      ],
    },
  };
}

/** Migration Job pods reach their database and DNS, nothing else, and take no traffic. */
export function migrationNetworkPolicy(values: ChartValues): Manifest {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'kasho-migrate', labels: { 'app.kubernetes.io/part-of': 'kasho' } },
    spec: {
      podSelector: {
        matchLabels: { 'app.kubernetes.io/part-of': 'kasho', 'app.kubernetes.io/component': 'migrate' },
      },
      policyTypes: ['Ingress', 'Egress'],
      egress: [dnsEgress(values), dependencyEgress(values, ['postgres'])],
    },
  };
}
