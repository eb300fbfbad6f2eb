/** A Kubernetes object as it appears in a manifest: enough shape to route it, the rest checked by schema. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export const PART_OF = 'kasho';

/** Kubernetes names of a service's objects: kasho-<service> for all of them (Deployment, Secret, ...). */
export function objectName(service: string): string {
  return `kasho-${service}`;
}

/** The labels every object of one service carries; `selectorLabels` is the immutable subset selectors use. */
export function serviceLabels(service: string, component = 'service'): Record<string, string> {
  return {
    ...selectorLabels(service),
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/component': component,
  };
}

export function selectorLabels(service: string): Record<string, string> {
  return { 'app.kubernetes.io/name': objectName(service) };
}
