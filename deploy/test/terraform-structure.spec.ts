import path from 'node:path';
import { loadChartValues } from '../src/chart-values.ts';
import { serviceDependencies, serviceDirectories } from './support/repo-facts.ts';
import {
  attributes,
  type Hcl,
  isExpression,
  loadTerraformDir,
  type TerraformDir,
  terraformDirs,
  terraformRoot,
} from './support/terraform.ts';
import { encryptedWithKey, storageType } from './support/terraform-encryption.ts';

// Structural checks on the parsed HCL (@cdktf/hcl2json) of every directory of terraform/: what `terraform
// validate` would catch without providers, and the security rules the platform must keep.

const dirs = terraformDirs();
let parsed: Map<string, TerraformDir>;
const tf = (dir: string) => {
  const found = parsed.get(dir);
  if (!found) throw new Error(`terraform/${dir} is missing`);
  return found;
};
const block = (blocks: Hcl[] | undefined): Hcl => blocks?.[0] ?? {};
const resourcesOf = (type: string) =>
  [...parsed.values()].flatMap((dir) =>
    Object.entries(dir.resources[type] ?? {}).map(([name, bodies]) => ({
      at: `${dir.dir}: ${type}.${name}`,
      body: block(bodies),
    })),
  );

beforeAll(async () => {
  parsed = new Map(await Promise.all(dirs.map(async (dir) => [dir, await loadTerraformDir(dir)] as const)));
});

describe('terraform/ references (what validate would catch, checked without providers)', () => {
  it('declares every var.<name> a directory uses, and uses every variable it declares', () => {
    for (const dir of dirs) {
      const declared = Object.keys(tf(dir).variables).sort();
      const used = [
        ...new Set([...tf(dir).text.matchAll(/\bvar\.([a-z0-9_]+)/g)].map((match) => match[1])),
      ].sort();
      expect({ dir, undeclared: used.filter((name) => !declared.includes(name)) }).toEqual({
        dir,
        undeclared: [],
      });
      expect({ dir, unused: declared.filter((name) => !used.includes(name)) }).toEqual({ dir, unused: [] });
    }
  });

  it('calls local modules with exactly their variables (all required ones given) and reads only their outputs', () => {
    for (const dir of dirs) {
      for (const [name, bodies] of Object.entries(tf(dir).modules)) {
        const { source, for_each: _forEach, count: _count, depends_on: _dependsOn, ...given } = block(bodies);
        const target = path.relative(terraformRoot, path.join(terraformRoot, dir, String(source)));
        const variables = tf(target).variables;
        const required = Object.keys(variables).filter(
          (variable) => !('default' in block(variables[variable])),
        );
        const at = `${dir}: module.${name} (${target})`;
        expect({ at, unknown: Object.keys(given).filter((arg) => !(arg in variables)) }).toEqual({
          at,
          unknown: [],
        });
        expect({ at, missing: required.filter((variable) => !(variable in given)) }).toEqual({
          at,
          missing: [],
        });
        const read = [
          ...tf(dir).text.matchAll(new RegExp(`\\bmodule\\.${name}(?:\\[[^\\]]+\\])?\\.([a-z0-9_]+)`, 'g')),
        ].map((m) => m[1]);
        expect({ at, unknownOutputs: read.filter((output) => !(output in tf(target).outputs)) }).toEqual({
          at,
          unknownOutputs: [],
        });
      }
    }
  });
});

describe('terraform/ structure', () => {
  it('documents every variable and output', () => {
    const undocumented = [...parsed.values()].flatMap((dir) =>
      [
        ...Object.entries(dir.variables).map(([n, b]) => [`variable ${n}`, b] as const),
        ...Object.entries(dir.outputs).map(([n, b]) => [`output ${n}`, b] as const),
      ]
        .filter(([, bodies]) => {
          const description = block(bodies).description;
          return typeof description !== 'string' || description.trim().length < 10;
        })
        .map(([name]) => `${dir.dir}: ${name}`),
    );
    expect(undocumented).toEqual([]);
  });

  it('has an encryption rule for every storage resource type it uses', () => {
    const types = new Set([...parsed.values()].flatMap((dir) => Object.keys(dir.resources)));
    const storage = [...types].filter(
      (type) =>
        storageType.test(type) &&
        !type.endsWith('_subnet_group') &&
        !type.endsWith('_configuration') &&
        !type.endsWith('_public_access_block') &&
        !type.endsWith('_versioning') &&
        !type.endsWith('_policy') &&
        !type.endsWith('_secret_version'),
    );
    expect(storage.filter((type) => !(type in encryptedWithKey))).toEqual([]);
    expect(storage.length).toBeGreaterThanOrEqual(8);
  });

  it('encrypts every storage resource with the KMS key', () => {
    const problems = Object.entries(encryptedWithKey).flatMap(([type, check]) =>
      resourcesOf(type).flatMap(({ at, body }) => check(body, parsed).map((problem) => `${at}: ${problem}`)),
    );
    expect(problems).toEqual([]);
    expect(resourcesOf('aws_db_instance')).toHaveLength(2);
  });

  it('passes the storage key (not the customer-data key) to every store', () => {
    const platform = tf('modules/platform');
    const keyArgs = Object.entries(platform.modules).flatMap(([name, bodies]) =>
      Object.entries(block(bodies))
        .filter(([arg]) => arg.endsWith('kms_key_arn'))
        .map(([arg, value]) => ({ at: `module.${name}.${arg}`, value })),
    );
    expect(keyArgs.length).toBeGreaterThanOrEqual(7);
    for (const { at, value } of keyArgs)
      expect({ at, value }).toEqual({ at, value: '${module.kms.storage_key_arn}' });
    for (const key of ['storage', 'customer_data']) {
      expect(block(tf('modules/kms').resources.aws_kms_key[key]).enable_key_rotation).toBe(true);
    }
  });

  it('protects production databases from deletion, with multi-AZ, backups and point-in-time recovery', () => {
    const production = block(tf('environments/production').modules.platform);
    expect(production).toMatchObject({
      database_deletion_protection: true,
      database_multi_az: true,
      database_backup_retention_days: 35,
    });
    expect('default' in block(tf('modules/platform').variables.database_deletion_protection)).toBe(false);
    expect(block(tf('modules/platform').modules.database).deletion_protection).toBe(
      '${var.database_deletion_protection}',
    );
    const rds = tf('modules/rds-postgresql').resources.aws_db_instance;
    for (const name of ['primary', 'replica'])
      expect(block(rds[name]).deletion_protection).toBe('${var.deletion_protection}');
    expect('default' in block(tf('modules/rds-postgresql').variables.deletion_protection)).toBe(false);
    expect(block(rds.primary)).toMatchObject({
      multi_az: '${var.multi_az}',
      backup_retention_period: '${var.backup_retention_days}',
      skip_final_snapshot: false,
      publicly_accessible: false,
      manage_master_user_password: true,
    });
  });

  it('holds no hard-coded credentials', () => {
    const secretName = /(password|secret_string|auth_token|access_key|secret_key|token|private_key)$/;
    const problems = [...parsed.values()].flatMap((dir) => [
      ...attributes({
        resource: dir.resources,
        provider: dir.providers,
        module: dir.modules,
        locals: dir.locals,
      })
        .filter(([at, value]) => secretName.test(at) && typeof value === 'string' && !isExpression(value))
        .map(([at]) => `${dir.dir}${at}: a literal value`),
      ...(/AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----|aws_secret_access_key/.test(dir.text)
        ? [`${dir.dir}: a key in the text`]
        : []),
      ...Object.values(dir.providers).flatMap((bodies) =>
        ['access_key', 'secret_key', 'token']
          .filter((key) => key in block(bodies))
          .map((key) => `${dir.dir}: provider sets ${key}`),
      ),
    ]);
    expect(problems).toEqual([]);
  });

  it.each(['staging', 'production'])(
    'keeps %s state remotely in encrypted S3 with a DynamoDB lock',
    (environment) => {
      const [backends] = tf(`environments/${environment}`)
        .terraform.map((t) => t.backend as Hcl | undefined)
        .filter(Boolean);
      const backend = block(backends?.s3 as Hcl[] | undefined);
      expect(backend).toMatchObject({ key: `${environment}/terraform.tfstate`, encrypt: true });
      const bootstrap = tf('bootstrap').resources;
      expect(backend.bucket).toBe(block(bootstrap.aws_s3_bucket.state).bucket);
      expect(backend.dynamodb_table).toBe(block(bootstrap.aws_dynamodb_table.locks).name);
      expect(backend.kms_key_id).toBe(block(bootstrap.aws_kms_alias.state).name);
    },
  );

  it('spreads the network over exactly three availability zones', () => {
    const zones = block(tf('modules/network').variables.availability_zones);
    expect(JSON.stringify(zones.validation)).toContain('length(var.availability_zones) == 3');
    for (const environment of ['staging', 'production'])
      expect(block(tf(`environments/${environment}`).modules.platform).availability_zones).toHaveLength(3);
    for (const tier of ['public', 'private', 'data'])
      expect(block(tf('modules/network').resources.aws_subnet[tier]).for_each).toBe('${local.zones}');
  });

  it('runs RabbitMQ as a multi-AZ cluster, Redis with failover, OpenSearch across three zones', () => {
    expect(block(tf('modules/amazon-mq').resources.aws_mq_broker.this).deployment_mode).toBe(
      'CLUSTER_MULTI_AZ',
    );
    expect(
      block(tf('modules/elasticache-redis').resources.aws_elasticache_replication_group.this),
    ).toMatchObject({
      automatic_failover_enabled: true,
      multi_az_enabled: true,
    });
    const search = block(tf('modules/opensearch').resources.aws_opensearch_domain.this);
    expect(
      block(block(search.cluster_config as Hcl[]).zone_awareness_config as Hcl[]).availability_zone_count,
    ).toBe(3);
  });

  it('gives a database to exactly the services whose config.ts reads DATABASE_URL, and Redis likewise', () => {
    const services = block(tf('modules/kasho-catalog').locals).services as Record<
      string,
      { database: boolean; redis: boolean }
    >;
    expect(Object.keys(services).sort()).toEqual(serviceDirectories());
    for (const service of serviceDirectories()) {
      expect({ service, ...services[service] }).toEqual({
        service,
        database: serviceDependencies(service).includes('postgres'),
        redis: serviceDependencies(service).includes('redis'),
      });
    }
  });

  it('lets IRSA roles be assumed only by their own service account', () => {
    const trust = JSON.stringify(tf('modules/irsa').data.aws_iam_policy_document.trust);
    expect(trust).toContain('system:serviceaccount:${var.namespace}:${var.service_account}');
    expect(trust).toContain('sts:AssumeRoleWithWebIdentity');
    const roles = Object.values(tf('modules/platform').modules).filter(
      (bodies) => block(bodies).source === '../irsa',
    );
    expect(roles.map((bodies) => block(bodies).service_account).sort()).toEqual([
      'external-secrets',
      'kasho-auth',
    ]);
  });

  it('agrees with the Helm chart on the VPC range and the secrets the ExternalSecrets read', () => {
    const values = loadChartValues();
    const production = block(tf('environments/production').modules.platform);
    expect(production.vpc_cidr).toBe(values.networkPolicy.vpcCidr);
    expect(block(tf('modules/platform').modules.secrets).prefix).toBe('kasho/${var.environment}');
    expect(values.externalSecrets.remotePrefix).toBe(`kasho/${String(production.environment)}`);
  });
});
