output "secret_arns" {
  description = "Secret ARN by service."
  value       = { for service, secret in aws_secretsmanager_secret.service : service => secret.arn }
}
