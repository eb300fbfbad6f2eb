import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { type Manifest } from '../src/manifest.ts';
import { buildKustomization, KUSTOMIZATIONS, ofKind } from './support/kustomize.ts';
import { knownVariables, secretVariables, serviceDirectories } from './support/repo-facts.ts';
import { hasBinary } from './support/tools.ts';

// Security and operability rules every rendered manifest must follow, in each kustomization a kubectl user applies.

interface PodOwner {
  name: string;
  pod: IPodSpec;
}

function podOwners(manifests: readonly Manifest[]): PodOwner[] {
  const deployments = ofKind<IDeployment & Manifest>(manifests, 'Deployment').map((d) => ({
    name: `Deployment/${d.metadata.name}`,
    pod: d.spec!.template.spec!,
  }));
  const jobs = ofKind<IJob & Manifest>(manifests, 'Job').map((j) => ({
    name: `Job/${j.metadata.name}`,
    pod: j.spec!.template.spec!,
  }));
  return [...deployments, ...jobs];
}

const containersOf = (owners: readonly PodOwner[]) =>
  owners.flatMap(({ name, pod }) =>
    [...(pod.initContainers ?? []), ...pod.containers].map((container) => ({ owner: name, pod, container })),
  );

/** What breaks a rule, as "owner/container: rule" lines: an empty list is a pass. */
function containerViolations(owner: string, pod: IPodSpec, container: IContainer, isJob: boolean): string[] {
  const at = `${owner}/${container.name}`;
  const security = container.securityContext ?? {};
  const podSecurity = pod.securityContext ?? {};
  const violations: string[] = [];
  if (!(security.runAsNonRoot ?? podSecurity.runAsNonRoot)) violations.push(`${at}: runAsNonRoot`);
  if ((security.runAsUser ?? podSecurity.runAsUser ?? 0) === 0)
    violations.push(`${at}: a non-zero runAsUser`);
  if (security.readOnlyRootFilesystem !== true) violations.push(`${at}: readOnlyRootFilesystem`);
  if (security.allowPrivilegeEscalation !== false) violations.push(`${at}: allowPrivilegeEscalation false`);
  if (security.privileged) violations.push(`${at}: not privileged`);
  if (!security.capabilities?.drop?.includes('ALL')) violations.push(`${at}: capabilities drop ALL`);
  if ((security.capabilities?.add ?? []).length > 0) violations.push(`${at}: no added capabilities`);
  const seccomp = security.seccompProfile?.type ?? podSecurity.seccompProfile?.type;
  if (seccomp !== 'RuntimeDefault') violations.push(`${at}: seccomp RuntimeDefault`);
  if (!container.resources?.limits?.cpu || !container.resources.limits.memory)
    violations.push(`${at}: cpu and memory limits`);
  if (!container.resources?.requests?.cpu || !container.resources.requests.memory)
    violations.push(`${at}: cpu and memory requests`);
  const [, tag] = /^[^@]+:([^:/@]+)$/.exec(container.image ?? '') ?? [];
  if (!tag || tag === 'latest')
    violations.push(`${at}: an explicit image tag other than latest (${container.image})`);
  if (!isJob) {
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      if (!container[probe]?.httpGet?.path) violations.push(`${at}: ${probe} over HTTP`);
    }
  }
  if (pod.automountServiceAccountToken !== false)
    violations.push(`${owner}: automountServiceAccountToken false`);
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) violations.push(`${owner}: no host namespaces`);
  return violations;
}

const built = hasBinary('kubectl') ? KUSTOMIZATIONS : [];
const describeBuilt = built.length > 0 ? describe : describe.skip;

describeBuilt('policies on every rendered kustomization [needs kubectl]', () => {
  describe.each(built)('%s', (dir) => {
    const manifests = () => buildKustomization(dir);

    it('runs every container non-root, read-only, unprivileged, limited, probed and pinned', () => {
      const owners = podOwners(manifests());
      expect(owners.length).toBeGreaterThan(0);
      const violations = containersOf(owners).flatMap(({ owner, pod, container }) =>
        containerViolations(owner, pod, container, owner.startsWith('Job/')),
      );
      expect(violations).toEqual([]);
    });

    it('mounts no service account token', () => {
      const accounts = ofKind<IServiceAccount & Manifest>(manifests(), 'ServiceAccount');
      expect(accounts.length).toBeGreaterThan(0);
      expect(
        accounts
          .filter((account) => account.automountServiceAccountToken !== false)
          .map((a) => a.metadata.name),
      ).toEqual([]);
    });

    it('keeps secret values out of ConfigMaps and sets only variables the services read', () => {
      const secrets = new Set(secretVariables());
      const known = knownVariables();
      const credentialInUrl = /:\/\/[^/\s:@]+:[^/\s@]+@/;
      const problems = ofKind<IConfigMap & Manifest>(manifests(), 'ConfigMap').flatMap((configMap) =>
        Object.entries(configMap.data ?? {}).flatMap(([key, value]) => [
          ...(secrets.has(key) ? [`${configMap.metadata.name}: ${key} is a secret`] : []),
          ...(/(PASSWORD|TOKEN|SECRET|_KEY$|_KEYS$)/.test(key)
            ? [`${configMap.metadata.name}: ${key} looks secret`]
            : []),
          ...(credentialInUrl.test(value) ? [`${configMap.metadata.name}: ${key} carries credentials`] : []),
          ...(!known.has(key) ? [`${configMap.metadata.name}: ${key} is read by no service`] : []),
        ]),
      );
      expect(problems).toEqual([]);
    });
  });

  it('the secret detector knows the real secret variables (guards the rule above)', () => {
    expect(secretVariables()).toEqual(
      expect.arrayContaining(['AMQP_URL', 'AUTH_DATA_KEY', 'AUTH_SIGNING_KEYS', 'DATABASE_URL', 'REDIS_URL']),
    );
  });

  it.each(['overlays/staging', 'overlays/production'])('%s deploys every directory of services/', (dir) => {
    const manifests = buildKustomization(dir);
    const deployed = ofKind(manifests, 'Deployment').map((d) => d.metadata.name.replace(/^kasho-/, ''));
    expect(deployed.sort()).toEqual(serviceDirectories());
    for (const kind of [
      'Service',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
      'ServiceAccount',
      'NetworkPolicy',
    ]) {
      const names = ofKind(manifests, kind).map((m) => m.metadata.name);
      const missing = deployed.map((service) => `kasho-${service}`).filter((name) => !names.includes(name));
      expect({ kind, missing }).toEqual({ kind, missing: [] });
    }
  });

  it.each(['overlays/staging/migrations', 'overlays/production/migrations'])(
    '%s migrates every service that has a database',
    (dir) => {
      const jobs = ofKind<IJob & Manifest>(buildKustomization(dir), 'Job').map((job) => job.metadata.name);
      const withDatabase = serviceDirectories().filter((service) => service !== 'gateway');
      expect(jobs.sort()).toEqual(withDatabase.map((service) => `kasho-migrate-${service}`));
    },
  );

  it('rolls out with zero unavailable and spreads replicas across zones', () => {
    const deployments = ofKind<IDeployment & Manifest>(
      buildKustomization('overlays/production'),
      'Deployment',
    );
    for (const deployment of deployments) {
      const spec = deployment.spec!;
      expect({
        name: deployment.metadata.name,
        maxUnavailable: spec.strategy?.rollingUpdate?.maxUnavailable,
      }).toEqual({
        name: deployment.metadata.name,
        maxUnavailable: 0,
      });
      const zone = spec.template.spec!.topologySpreadConstraints?.find(
        (constraint) => constraint.topologyKey === 'topology.kubernetes.io/zone',
      );
      expect(zone?.whenUnsatisfiable).toBe('DoNotSchedule');
    }
  });

  it('terminates TLS for the gateway at the Ingress', () => {
    const ingresses = ofKind<Manifest & { spec: { tls?: { hosts: string[] }[]; rules: { host: string }[] } }>(
      buildKustomization('overlays/production'),
      'Ingress',
    );
    expect(ingresses.map((ingress) => ingress.metadata.name)).toEqual(['kasho-gateway']);
    expect(ingresses[0].spec.tls?.[0].hosts).toEqual([ingresses[0].spec.rules[0].host]);
  });
});
