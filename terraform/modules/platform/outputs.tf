output "cluster_name" {
  description = "EKS cluster name (aws eks update-kubeconfig --name ...)."
  value       = module.eks.cluster_name
}

output "vpc_cidr_block" {
  description = "The VPC's range: the Helm chart's networkPolicy.vpcCidr."
  value       = module.network.vpc_cidr_block
}

output "database_endpoints" {
  description = "PostgreSQL primary endpoint by service."
  value       = { for service, database in module.database : service => database.endpoint }
}

output "redis_endpoint" {
  description = "Redis primary endpoint (TLS)."
  value       = module.redis.primary_endpoint
}

output "rabbitmq_endpoint" {
  description = "RabbitMQ AMQPS endpoint."
  value       = module.rabbitmq.amqps_endpoint
}

output "opensearch_endpoint" {
  description = "OpenSearch HTTPS endpoint."
  value       = module.search.endpoint
}

output "service_secret_arns" {
  description = "Secrets Manager secret by service (<prefix>/<service>): the ExternalSecrets' remote keys."
  value       = module.secrets.secret_arns
}

output "external_secrets_role_arn" {
  description = "Role for the External Secrets Operator's service account."
  value       = module.external_secrets_role.role_arn
}

output "auth_role_arn" {
  description = "Role the auth service's account may assume to use the customer-data key."
  value       = module.auth_role.role_arn
}
