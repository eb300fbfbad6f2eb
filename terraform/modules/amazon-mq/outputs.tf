output "amqps_endpoint" {
  description = "The broker's AMQPS endpoint (AMQP_URL host; amqps:// on 5671)."
  value       = aws_mq_broker.this.instances[0].endpoints[0]
}

output "credentials_secret_arn" {
  description = "Secrets Manager secret holding the application user's credentials."
  value       = aws_secretsmanager_secret.broker.arn
}
