output "platform" {
  description = "Endpoints, secret ARNs and role ARNs the deployment (docs/deploy.md) needs."
  value = {
    cluster_name              = module.platform.cluster_name
    vpc_cidr_block            = module.platform.vpc_cidr_block
    database_endpoints        = module.platform.database_endpoints
    redis_endpoint            = module.platform.redis_endpoint
    rabbitmq_endpoint         = module.platform.rabbitmq_endpoint
    opensearch_endpoint       = module.platform.opensearch_endpoint
    service_secret_arns       = module.platform.service_secret_arns
    external_secrets_role_arn = module.platform.external_secrets_role_arn
    auth_role_arn             = module.platform.auth_role_arn
  }
}
