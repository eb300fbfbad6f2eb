import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serviceDependencies, serviceDirectories } from './support/repo-facts.ts';
import {
  attributes,
  type Hcl,
  isExpression,
  loadTerraformDir,
  registryProviders,
  type TerraformDir,
  terraformDirs,
  terraformRoot,
} from './support/terraform.ts';
import { hasBinary, itWith, run } from './support/tools.ts';

// Terraform is never applied here (no cloud, no provider registry). It is formatted, validated where that needs no
// registry provider, and checked structurally on the parsed HCL.

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

const terraformEnv = { TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1' };

describe('terraform/ formatting and validation', () => {
  it('has the modules and environment roots the platform needs', () => {
    expect(dirs).toEqual(
      expect.arrayContaining([
        'bootstrap',
        'environments/production',
        'environments/staging',
        ...[
          'amazon-mq',
          'eks',
          'elasticache-redis',
          'irsa',
          'kasho-catalog',
          'kms',
          'network',
          'opensearch',
          'platform',
          'rds-postgresql',
          'secrets',
        ].map((name) => `modules/${name}`),
      ]),
    );
  });

  itWith('terraform')('is formatted (terraform fmt -check -recursive)', () => {
    const result = run('terraform', ['fmt', '-check', '-recursive', '-diff', terraformRoot], {
      env: terraformEnv,
    });
    expect({ status: result.status, unformatted: result.stdout }).toEqual({ status: 0, unformatted: '' });
  });

  describe.each(dirs)('terraform validate %s', (dir) => {
    const providers = registryProviders(dir);
    const reason = !hasBinary('terraform')
      ? 'terraform is not on the PATH'
      : providers.length > 0
        ? `needs registry providers (${providers.join(', ')}), unreachable here; the structural tests below cover it`
        : undefined;
    (reason ? it.skip : it)(
      `terraform init -backend=false && terraform validate${reason ? ` [skipped: ${reason}]` : ''}`,
      () => {
        const dataDir = mkdtempSync(path.join(tmpdir(), 'kasho-tf-'));
        const options = {
          cwd: path.join(terraformRoot, dir),
          env: { ...terraformEnv, TF_DATA_DIR: dataDir },
        };
        const init = run('terraform', ['init', '-backend=false', '-input=false', '-no-color'], options);
        expect({ init: init.status, stderr: init.stderr }).toEqual({ init: 0, stderr: '' });
        const validate = run('terraform', ['validate', '-no-color'], options);
        expect({ status: validate.status, output: validate.stdout.trim() }).toEqual({
          status: 0,
          output: 'Success! The configuration is valid.',
        });
      },
    );
  });
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

  // A KMS key given by reference (a variable, the kms module's output or a key resource), never a literal ARN.
  const kmsReference =
    /^\$\{(var\.[a-z_]*kms[a-z_]*|module\.kms\.[a-z_]+_key_arn|aws_kms_key\.[a-z_]+\.arn)\}$/;
  const encryptedWithKey: Record<string, (body: Hcl, all: Map<string, TerraformDir>) => string[]> = {
    aws_db_instance: (b) => [
      ...(b.storage_encrypted === true ? [] : ['storage_encrypted']),
      ...(kmsReference.test(String(b.kms_key_id)) ? [] : ['kms_key_id']),
      ...(b.performance_insights_enabled !== true ||
      kmsReference.test(String(b.performance_insights_kms_key_id))
        ? []
        : ['performance_insights_kms_key_id']),
    ],
    aws_elasticache_replication_group: (b) => [
      ...(b.at_rest_encryption_enabled === true ? [] : ['at_rest_encryption_enabled']),
      ...(b.transit_encryption_enabled === true ? [] : ['transit_encryption_enabled']),
      ...(kmsReference.test(String(b.kms_key_id)) ? [] : ['kms_key_id']),
      ...(isExpression(b.auth_token) ? [] : ['auth_token from a generated secret']),
    ],
    aws_opensearch_domain: (b) => {
      const atRest = block(b.encrypt_at_rest as Hcl[]);
      return [
        ...(atRest.enabled === true && kmsReference.test(String(atRest.kms_key_id))
          ? []
          : ['encrypt_at_rest with the key']),
        ...(block(b.node_to_node_encryption as Hcl[]).enabled === true ? [] : ['node_to_node_encryption']),
        ...(block(b.domain_endpoint_options as Hcl[]).enforce_https === true ? [] : ['enforce_https']),
      ];
    },
    aws_secretsmanager_secret: (b) => (kmsReference.test(String(b.kms_key_id)) ? [] : ['kms_key_id']),
    aws_cloudwatch_log_group: (b) => (kmsReference.test(String(b.kms_key_id)) ? [] : ['kms_key_id']),
    aws_eks_cluster: (b) => {
      const encryption = block(b.encryption_config as Hcl[]);
      const key = block(encryption.provider as Hcl[]).key_arn;
      return (encryption.resources as string[] | undefined)?.includes('secrets') &&
        kmsReference.test(String(key))
        ? []
        : ['encryption_config of secrets with the key'];
    },
    aws_dynamodb_table: (b) => {
      const sse = block(b.server_side_encryption as Hcl[]);
      return sse.enabled === true && kmsReference.test(String(sse.kms_key_arn))
        ? []
        : ['server_side_encryption with the key'];
    },
    aws_s3_bucket: (_, all) => {
      const configs = [...all.values()].flatMap((dir) =>
        Object.values(dir.resources.aws_s3_bucket_server_side_encryption_configuration ?? {}).map((bodies) =>
          block(bodies),
        ),
      );
      const byKey = configs.some((config) => {
        const rule = block(config.rule as Hcl[]);
        const sse = block(rule.apply_server_side_encryption_by_default as Hcl[]);
        return sse.sse_algorithm === 'aws:kms' && kmsReference.test(String(sse.kms_master_key_id));
      });
      return byKey ? [] : ['an aws_s3_bucket_server_side_encryption_configuration with aws:kms and the key'];
    },
    // Amazon MQ offers customer managed keys for ActiveMQ only: a RabbitMQ broker is encrypted at rest with an AWS
    // owned key. Kasho keeps no facts in the broker (the outbox re-publishes), and says so in the module.
    aws_mq_broker: (b) =>
      b.engine_type === 'RabbitMQ' &&
      block(b.encryption_options as Hcl[]).use_aws_owned_key === true &&
      b.publicly_accessible === false
        ? []
        : ['RabbitMQ, private, encrypted (AWS owned key: the only option for RabbitMQ)'],
  };
  const storageType =
    /(db_instance|rds_cluster|elasticache|opensearch|elasticsearch|s3_bucket$|dynamodb_table|secretsmanager_secret$|log_group|efs_file_system|ebs_volume|mq_broker|sqs_queue|sns_topic|kinesis)/;

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
});
