output "endpoint" {
  description = "The domain's HTTPS endpoint."
  value       = aws_opensearch_domain.this.endpoint
}
