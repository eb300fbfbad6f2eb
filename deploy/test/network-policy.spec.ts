import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { loadChartValues } from '../src/chart-values.ts';
import { type Manifest } from '../src/manifest.ts';
import { buildKustomization, ofKind } from './support/kustomize.ts';
import { serviceDependencies, serviceDirectories } from './support/repo-facts.ts';
import { hasBinary } from './support/tools.ts';

// Zero trust, checked on the production overlay: deny by default, and each pod's allowances are exactly what its
// service's config.ts says it connects to.

type Policy = INetworkPolicy & Manifest;

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  Object.entries(selector ?? {}).every(([key, value]) => labels[key] === value);

const portsOf = (rules: readonly { ports?: { port?: number | string }[] }[] | undefined) =>
  (rules ?? []).flatMap((rule) => (rule.ports ?? []).map((port) => Number(port.port))).sort((a, b) => a - b);

const describeBuilt = hasBinary('kubectl') ? describe : describe.skip;

describeBuilt('NetworkPolicies (overlays/production) [needs kubectl]', () => {
  const manifests = () => buildKustomization('overlays/production');
  const policies = () => ofKind<Policy>(manifests(), 'NetworkPolicy');
  const values = loadChartValues();
  const ports = values.networkPolicy.ports;

  it('denies all ingress and egress by default in the namespace', () => {
    const denyAll = policies().filter(
      (policy) =>
        Object.keys(policy.spec?.podSelector?.matchLabels ?? {}).length === 0 &&
        policy.spec?.ingress === undefined &&
        policy.spec?.egress === undefined,
    );
    expect(denyAll.map((policy) => policy.spec?.policyTypes)).toEqual([['Ingress', 'Egress']]);
  });

  it('selects every pod (services and migration Jobs) with a policy of its own besides the default deny', () => {
    const podLabels = [
      ...ofKind<Manifest & { spec: { template: { metadata: { labels: Record<string, string> } } } }>(
        manifests(),
        'Deployment',
      ),
      ...ofKind<Manifest & { spec: { template: { metadata: { labels: Record<string, string> } } } }>(
        buildKustomization('overlays/production/migrations'),
        'Job',
      ),
    ].map((owner) => ({ owner: owner.metadata.name, labels: owner.spec.template.metadata.labels }));
    expect(podLabels.length).toBe(serviceDirectories().length * 2 - 1);
    const specific = policies().filter(
      (policy) => Object.keys(policy.spec?.podSelector?.matchLabels ?? {}).length > 0,
    );
    const unselected = podLabels
      .filter(
        ({ labels }) => !specific.some((policy) => matches(policy.spec?.podSelector?.matchLabels, labels)),
      )
      .map(({ owner }) => owner);
    expect(unselected).toEqual([]);
  });

  it.each(serviceDirectories())(
    'lets %s reach only DNS, the trace collector and its own dependencies',
    (service) => {
      const policy = policies().find((candidate) => candidate.metadata.name === `kasho-${service}`);
      const egress = policy?.spec?.egress ?? [];
      const toVpc = egress.filter((rule) => rule.to?.some((peer) => peer.ipBlock));
      const expected = serviceDependencies(service)
        .map((dependency) => ports[dependency])
        .sort((a, b) => a - b);
      expect(portsOf(toVpc)).toEqual(expected);
      const inCluster = egress.filter((rule) => !rule.to?.some((peer) => peer.ipBlock));
      expect(portsOf(inCluster)).toEqual(
        [53, 53, values.networkPolicy.otelCollector.port].sort((a, b) => a - b),
      );
      expect(egress.every((rule) => (rule.to ?? []).length > 0 && (rule.ports ?? []).length > 0)).toBe(true);
    },
  );

  it('lets the ingress controller reach the gateway only, and Prometheus every service on its port', () => {
    const fromIngressController = policies()
      .filter((policy) =>
        (policy.spec?.ingress ?? []).some((rule) =>
          rule.from?.some(
            (peer) =>
              peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] ===
              values.networkPolicy.ingressControllerNamespace,
          ),
        ),
      )
      .map((policy) => policy.metadata.name);
    expect(fromIngressController).toEqual(['kasho-gateway']);
    for (const service of serviceDirectories()) {
      const policy = policies().find((candidate) => candidate.metadata.name === `kasho-${service}`);
      expect({ service, ports: portsOf(policy?.spec?.ingress) }).toEqual({
        service,
        ports: service === 'gateway' ? [values.containerPort, values.containerPort] : [values.containerPort],
      });
      expect((policy?.spec?.ingress ?? []).every((rule) => (rule.from ?? []).length > 0)).toBe(true);
    }
  });

  it('reads dependencies from the code: the gateway has no database, transaction and notification no Redis', () => {
    expect(serviceDependencies('gateway')).toEqual(['redis', 'amqp']);
    expect(serviceDependencies('transaction')).toEqual(['postgres', 'amqp']);
    expect(serviceDependencies('notification')).toEqual(['postgres', 'amqp']);
  });
});
