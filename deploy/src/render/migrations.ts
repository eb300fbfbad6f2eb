import { type ChartValues, servicesWithDatabase } from '../chart-values.ts';
import { type Manifest, objectName } from '../manifest.ts';
import { image } from './workloads.ts';

// The migration Jobs of templates/migration-job.yaml. Helm runs them as pre-install/pre-upgrade hooks, before any
// pod of the new version starts; kubectl users apply them first and wait (docs/deploy.md). They carry their few
// settings inline because at pre-install time the chart's ConfigMaps do not exist yet.

const migrateLabels = (service?: string) => ({
  'app.kubernetes.io/part-of': 'kasho',
  'app.kubernetes.io/component': 'migrate',
  ...(service ? { 'app.kubernetes.io/name': `kasho-migrate-${service}` } : {}),
});

export function migrationServiceAccount(): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'kasho-migrate', labels: migrateLabels() },
    automountServiceAccountToken: false,
  };
}

export function migrationJob(values: ChartValues, service: string): Manifest {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: `kasho-migrate-${service}`, labels: migrateLabels(service) },
    spec: {
      backoffLimit: values.migrations.backoffLimit,
      activeDeadlineSeconds: values.migrations.activeDeadlineSeconds,
      template: {
        metadata: { labels: migrateLabels(service) },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: 'kasho-migrate',
          automountServiceAccountToken: false,
          securityContext: values.podSecurityContext,
          containers: [
            {
              name: 'migrate',
              image: image(values, service),
              imagePullPolicy: values.image.pullPolicy,
              // args, not command: the image's tini entrypoint stays PID 1.
              args: ['node', '/app/migrate.js', 'up'],
              env: [
                { name: 'NODE_ENV', value: 'production' },
                {
                  name: 'DATABASE_URL',
                  valueFrom: { secretKeyRef: { name: objectName(service), key: 'DATABASE_URL' } },
                },
              ],
              resources: values.migrations.resources,
              securityContext: values.containerSecurityContext,
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '16Mi' } }],
        },
      },
    },
  };
}

export function migrations(values: ChartValues): Manifest[] {
  return [
    migrationServiceAccount(),
    ...servicesWithDatabase(values).map((name) => migrationJob(values, name)),
  ];
}
