import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { deployRoot } from './paths.ts';

export type Dependency = 'postgres' | 'redis' | 'amqp';

export interface Resources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

export interface ServiceValues {
  public?: boolean;
  dependencies: Dependency[];
  autoscaling: { minReplicas: number; maxReplicas: number; targetCPUUtilizationPercentage: number };
  secretKeys: string[];
  resources?: Resources;
  config: Record<string, string>;
}

export interface Probe {
  httpGet: { path: string; port: string };
  periodSeconds: number;
  timeoutSeconds?: number;
  failureThreshold: number;
}

export interface SpreadConstraint {
  topologyKey: string;
  maxSkew: number;
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
}

/** The shape of deploy/k8s/kasho/values.yaml (what the templates and the kustomize renderer both read). */
export interface ChartValues {
  image: { registry: string; tag: string; pullPolicy: string };
  containerPort: number;
  config: Record<string, string>;
  externalSecrets: {
    enabled: boolean;
    secretStoreRef: { kind: string; name: string };
    refreshInterval: string;
    remotePrefix: string;
  };
  probes: { startup: Probe; liveness: Probe; readiness: Probe };
  podSecurityContext: Record<string, unknown>;
  containerSecurityContext: Record<string, unknown>;
  terminationGracePeriodSeconds: number;
  defaultResources: Resources;
  services: Record<string, ServiceValues>;
  rollingUpdate: { maxUnavailable: number; maxSurge: number };
  podDisruptionBudget: { maxUnavailable: number };
  topologySpread: { zone: SpreadConstraint; node: SpreadConstraint };
  networkPolicy: {
    vpcCidr: string;
    ports: Record<Dependency, number>;
    ingressControllerNamespace: string;
    monitoringNamespace: string;
    dns: { namespace: string; podLabel: Record<string, string> };
    otelCollector: { namespace: string; port: number };
  };
  ingress: { className: string; host: string; tlsSecretName: string; annotations: Record<string, string> };
  migrations: { enabled: boolean; backoffLimit: number; activeDeadlineSeconds: number; resources: Resources };
  monitoring: {
    serviceMonitor: { enabled: boolean; interval: string };
    prometheusRule: { enabled: boolean };
  };
}

export const chartDir = path.join(deployRoot, 'k8s/kasho');

export function loadChartValues(file = path.join(chartDir, 'values.yaml')): ChartValues {
  return parse(readFileSync(file, 'utf8')) as ChartValues;
}

/** Services with a database of their own: each gets a migration Job. */
export function servicesWithDatabase(values: ChartValues): string[] {
  return Object.keys(values.services).filter((name) =>
    values.services[name].dependencies.includes('postgres'),
  );
}
