output "endpoint" {
  description = "host:port of the primary."
  value       = aws_db_instance.primary.endpoint
}

output "replica_endpoints" {
  description = "host:port of each read replica."
  value       = [for replica in aws_db_instance.replica : replica.endpoint]
}

output "master_user_secret_arn" {
  description = "Secrets Manager secret RDS keeps the master credentials in (for the operator who creates the service's own role)."
  value       = aws_db_instance.primary.master_user_secret[0].secret_arn
}
