# Kasho's cloud platform for one environment: network, keys, Kubernetes, one PostgreSQL per service, Redis,
# RabbitMQ, OpenSearch, the services' secrets, and the IAM roles service accounts assume. The environment roots
# (terraform/environments/*) differ only in the inputs they give this module.

locals {
  name = "kasho-${var.environment}"
  tags = merge(var.tags, { Project = "kasho", Environment = var.environment })
}

module "catalog" {
  source = "../kasho-catalog"
}

module "kms" {
  source = "../kms"
  name   = local.name
  tags   = local.tags
}

module "network" {
  source                = "../network"
  name                  = local.name
  cidr_block            = var.vpc_cidr
  availability_zones    = var.availability_zones
  flow_logs_kms_key_arn = module.kms.storage_key_arn
  tags                  = local.tags
}

module "eks" {
  source                = "../eks"
  name                  = local.name
  subnet_ids            = module.network.private_subnet_ids
  kms_key_arn           = module.kms.storage_key_arn
  public_endpoint_cidrs = var.eks_public_endpoint_cidrs
  node_instance_types   = var.eks_node_instance_types
  node_min_size         = var.eks_node_min_size
  node_max_size         = var.eks_node_max_size
  tags                  = local.tags
}

module "database" {
  source   = "../rds-postgresql"
  for_each = toset(module.catalog.database_services)

  identifier                 = "${local.name}-${each.key}"
  database_name              = "kasho_${each.key}"
  instance_class             = var.database_instance_class
  multi_az                   = var.database_multi_az
  backup_retention_days      = var.database_backup_retention_days
  deletion_protection        = var.database_deletion_protection
  read_replica_count         = var.database_read_replica_count
  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.data_subnet_ids
  allowed_security_group_ids = [module.eks.cluster_security_group_id]
  kms_key_arn                = module.kms.storage_key_arn
  tags                       = merge(local.tags, { Service = each.key })
}

module "redis" {
  source                     = "../elasticache-redis"
  name                       = local.name
  node_type                  = var.redis_node_type
  replica_count              = var.redis_replica_count
  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.data_subnet_ids
  allowed_security_group_ids = [module.eks.cluster_security_group_id]
  kms_key_arn                = module.kms.storage_key_arn
  tags                       = local.tags
}

module "rabbitmq" {
  source                     = "../amazon-mq"
  name                       = local.name
  instance_type              = var.rabbitmq_instance_type
  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.data_subnet_ids
  allowed_security_group_ids = [module.eks.cluster_security_group_id]
  kms_key_arn                = module.kms.storage_key_arn
  tags                       = local.tags
}

module "search" {
  source                     = "../opensearch"
  name                       = local.name
  instance_type              = var.opensearch_instance_type
  instance_count             = var.opensearch_instance_count
  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.data_subnet_ids
  allowed_security_group_ids = [module.eks.cluster_security_group_id]
  kms_key_arn                = module.kms.storage_key_arn
  master_role_arn            = var.opensearch_master_role_arn
  tags                       = local.tags
}

module "secrets" {
  source      = "../secrets"
  prefix      = "kasho/${var.environment}"
  services    = keys(module.catalog.services)
  kms_key_arn = module.kms.storage_key_arn
  tags        = local.tags
}

# The External Secrets Operator reads the services' secrets (and decrypts them) to fill the Secrets kasho-<service>.
data "aws_iam_policy_document" "external_secrets" {
  statement {
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    resources = values(module.secrets.secret_arns)
  }
  statement {
    actions   = ["kms:Decrypt"]
    resources = [module.kms.storage_key_arn]
  }
}

module "external_secrets_role" {
  source            = "../irsa"
  role_name         = "${local.name}-external-secrets"
  oidc_provider_arn = module.eks.oidc_provider_arn
  oidc_issuer       = module.eks.oidc_issuer
  namespace         = "external-secrets"
  service_account   = "external-secrets"
  policy_json       = data.aws_iam_policy_document.external_secrets.json
  tags              = local.tags
}

# The auth service may wrap and unwrap its data key with the customer-data key (envelope encryption). Today it reads
# AUTH_DATA_KEY from its Secret; annotate its service account with this role when it unwraps through KMS.
data "aws_iam_policy_document" "customer_data_key" {
  statement {
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [module.kms.customer_data_key_arn]
  }
}

module "auth_role" {
  source            = "../irsa"
  role_name         = "${local.name}-auth"
  oidc_provider_arn = module.eks.oidc_provider_arn
  oidc_issuer       = module.eks.oidc_issuer
  namespace         = var.kubernetes_namespace
  service_account   = "kasho-auth"
  policy_json       = data.aws_iam_policy_document.customer_data_key.json
  tags              = local.tags
}
