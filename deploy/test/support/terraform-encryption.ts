import { type Hcl, isExpression, type TerraformDir } from './terraform.ts';

const block = (blocks: Hcl[] | undefined): Hcl => blocks?.[0] ?? {};

// A KMS key given by reference (a variable, the kms module's output or a key resource), never a literal ARN.
export const kmsReference =
  /^\$\{(var\.[a-z_]*kms[a-z_]*|module\.kms\.[a-z_]+_key_arn|aws_kms_key\.[a-z_]+\.arn)\}$/;
/** Per storage resource type: what is missing for it to be encrypted with the KMS key (empty when it is). */
export const encryptedWithKey: Record<string, (body: Hcl, all: Map<string, TerraformDir>) => string[]> = {
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
/** Resource types that store data, whatever the provider calls them. */
export const storageType =
  /(db_instance|rds_cluster|elasticache|opensearch|elasticsearch|s3_bucket$|dynamodb_table|secretsmanager_secret$|log_group|efs_file_system|ebs_volume|mq_broker|sqs_queue|sns_topic|kinesis)/;
