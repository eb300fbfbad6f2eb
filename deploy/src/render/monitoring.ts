import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { type ChartValues, chartDir } from '../chart-values.ts';
import { type Manifest } from '../manifest.ts';

// Prometheus Operator objects, as templates/servicemonitor.yaml and templates/prometheusrule.yaml render them.

const partOf = { 'app.kubernetes.io/part-of': 'kasho' };

export function serviceMonitor(values: ChartValues): Manifest {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: 'kasho', labels: partOf },
    spec: {
      selector: { matchLabels: { ...partOf, 'app.kubernetes.io/component': 'service' } },
      endpoints: [{ port: 'http', path: '/metrics', interval: values.monitoring.serviceMonitor.interval }],
    },
  };
}

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** The alert groups in the chart's files/alerts.yaml, the one place they are written. */
export function loadAlertGroups(): { groups: { name: string; rules: AlertRule[] }[] } {
  return parse(readFileSync(path.join(chartDir, 'files/alerts.yaml'), 'utf8')) as {
    groups: { name: string; rules: AlertRule[] }[];
  };
}

export function prometheusRule(): Manifest {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'kasho', labels: partOf },
    spec: loadAlertGroups(),
  };
}
