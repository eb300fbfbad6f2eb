# Customer managed keys, rotated yearly:
# - storage: encrypts everything at rest that Kasho's stores keep (RDS, ElastiCache, OpenSearch, EKS secrets, Secrets
#   Manager, logs);
# - customer_data: the key encryption key that wraps the services' customer data keys (envelope encryption, e.g. the
#   auth service's AUTH_DATA_KEY); only the services' roles may use it, through Decrypt/GenerateDataKey.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

data "aws_iam_policy_document" "storage" {
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  # CloudWatch Logs encrypts log groups with this key (VPC flow logs, EKS control plane logs).
  statement {
    sid       = "CloudWatchLogsUse"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.${data.aws_region.current.name}.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "storage" {
  description             = "${var.name}: encryption at rest of databases, caches, search, secrets and logs"
  enable_key_rotation     = true
  deletion_window_in_days = var.deletion_window_in_days
  policy                  = data.aws_iam_policy_document.storage.json
  tags                    = var.tags
}

resource "aws_kms_alias" "storage" {
  name          = "alias/${var.name}-storage"
  target_key_id = aws_kms_key.storage.key_id
}

resource "aws_kms_key" "customer_data" {
  description             = "${var.name}: wraps the services' customer data keys (envelope encryption)"
  enable_key_rotation     = true
  deletion_window_in_days = var.deletion_window_in_days
  tags                    = var.tags
}

resource "aws_kms_alias" "customer_data" {
  name          = "alias/${var.name}-customer-data"
  target_key_id = aws_kms_key.customer_data.key_id
}
