# What Kasho runs, as data for the environment roots: the services, which of them own a PostgreSQL database, and
# which use Redis. It mirrors services/*/src/config.ts (terraform structural tests compare them). No provider, so
# `terraform validate` runs on it in CI.

locals {
  services = {
    gateway      = { database = false, redis = true }
    auth         = { database = true, redis = true }
    account      = { database = true, redis = true }
    transaction  = { database = true, redis = false }
    payment      = { database = true, redis = true }
    notification = { database = true, redis = false }
  }
}

output "services" {
  description = "Every Kasho service and the managed stores it uses."
  value       = local.services
}

output "database_services" {
  description = "Services that own a PostgreSQL database (one RDS instance each)."
  value       = sort([for name, service in local.services : name if service.database])
}

output "redis_services" {
  description = "Services that use Redis."
  value       = sort([for name, service in local.services : name if service.redis])
}
