output "storage_key_arn" {
  description = "ARN of the key that encrypts data at rest."
  value       = aws_kms_key.storage.arn
}

output "customer_data_key_arn" {
  description = "ARN of the key that wraps customer data keys."
  value       = aws_kms_key.customer_data.arn
}
