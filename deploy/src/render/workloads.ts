import { type ChartValues, type ServiceValues } from '../chart-values.ts';
import { type Manifest, objectName, selectorLabels, serviceLabels } from '../manifest.ts';

// One service's workload objects, exactly as templates/{serviceaccount,configmap,deployment,service,hpa,pdb}.yaml
// render them with the same values.

export function image(values: ChartValues, service: string): string {
  return `${values.image.registry}/${service}:${values.image.tag}`;
}

export function sharedConfigMap(values: ChartValues): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'kasho-common', labels: { 'app.kubernetes.io/part-of': 'kasho' } },
    data: values.config,
  };
}

export function serviceAccount(service: string): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: objectName(service), labels: serviceLabels(service) },
    // No service talks to the Kubernetes API; an IRSA role annotation is added per environment where needed.
    automountServiceAccountToken: false,
  };
}

export function serviceConfigMap(service: string, settings: ServiceValues): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: objectName(service), labels: serviceLabels(service) },
    data: settings.config,
  };
}

export function deployment(values: ChartValues, service: string, settings: ServiceValues): Manifest {
  const name = objectName(service);
  const spread = [values.topologySpread.zone, values.topologySpread.node].map((constraint) => ({
    ...constraint,
    labelSelector: { matchLabels: selectorLabels(service) },
  }));
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: serviceLabels(service) },
    // No replicas: the HorizontalPodAutoscaler owns the count, and a re-apply must not reset it.
    spec: {
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(service) },
      strategy: { type: 'RollingUpdate', rollingUpdate: values.rollingUpdate },
      template: {
        metadata: { labels: serviceLabels(service) },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: values.terminationGracePeriodSeconds,
          securityContext: values.podSecurityContext,
          topologySpreadConstraints: spread,
          containers: [
            {
              name: service,
              image: image(values, service),
              imagePullPolicy: values.image.pullPolicy,
              ports: [{ name: 'http', containerPort: values.containerPort, protocol: 'TCP' }],
              envFrom: [
                { configMapRef: { name: 'kasho-common' } },
                { configMapRef: { name } },
                { secretRef: { name } },
              ],
              startupProbe: values.probes.startup,
              livenessProbe: values.probes.liveness,
              readinessProbe: values.probes.readiness,
              resources: settings.resources ?? values.defaultResources,
              securityContext: values.containerSecurityContext,
              // The root filesystem is read-only; Node and libraries may still want a scratch directory.
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
        },
      },
    },
  };
}

export function service(values: ChartValues, name: string): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: objectName(name), labels: serviceLabels(name) },
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(name),
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

export function horizontalPodAutoscaler(service: string, settings: ServiceValues): Manifest {
  const { minReplicas, maxReplicas, targetCPUUtilizationPercentage } = settings.autoscaling;
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: objectName(service), labels: serviceLabels(service) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: objectName(service) },
      minReplicas,
      maxReplicas,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: targetCPUUtilizationPercentage },
          },
        },
      ],
      // Scale up at once, down slowly: a payment burst should not meet pods that were just removed.
      behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
    },
  };
}

export function podDisruptionBudget(values: ChartValues, service: string): Manifest {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: objectName(service), labels: serviceLabels(service) },
    spec: {
      maxUnavailable: values.podDisruptionBudget.maxUnavailable,
      selector: { matchLabels: selectorLabels(service) },
    },
  };
}

/** Every object one service needs, in the order a reader expects them. */
export function serviceWorkload(values: ChartValues, name: string): Manifest[] {
  const settings = values.services[name];
  return [
    serviceAccount(name),
    serviceConfigMap(name, settings),
    deployment(values, name, settings),
    service(values, name),
    horizontalPodAutoscaler(name, settings),
    podDisruptionBudget(values, name),
  ];
}
