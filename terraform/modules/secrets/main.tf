# One Secrets Manager secret per service, <prefix>/<service>, holding a JSON object with the keys its Kubernetes
# Secret needs (DATABASE_URL, REDIS_URL, AMQP_URL; for auth AUTH_SIGNING_KEYS, AUTH_DATA_KEY; for account
# ACCOUNT_MASTER_KEY, ACCOUNT_BLIND_INDEX_KEY). Terraform creates the containers only: values are written by the
# operators' runbook (docs/deploy.md), so no credential passes through Terraform code or plans here.

resource "aws_secretsmanager_secret" "service" {
  for_each                = toset(var.services)
  name                    = "${var.prefix}/${each.value}"
  description             = "Runtime secrets of the Kasho ${each.value} service"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.recovery_window_in_days
  tags                    = var.tags
}
