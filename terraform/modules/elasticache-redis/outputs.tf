output "primary_endpoint" {
  description = "The primary's endpoint (REDIS_URL host; rediss:// because TLS is on)."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "auth_token_secret_arn" {
  description = "Secrets Manager secret holding the AUTH token."
  value       = aws_secretsmanager_secret.auth_token.arn
}
