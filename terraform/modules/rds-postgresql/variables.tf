variable "identifier" {
  description = "RDS instance identifier, e.g. kasho-production-transaction."
  type        = string
}

variable "database_name" {
  description = "The database the service owns, e.g. kasho_transaction."
  type        = string
}

variable "master_username" {
  description = "The master user's name. Its password is generated and kept in Secrets Manager by RDS, never here."
  type        = string
  default     = "kasho_admin"
}

variable "engine_version" {
  description = "PostgreSQL major.minor version."
  type        = string
  default     = "15.10"
}

variable "instance_class" {
  description = "Instance class of the primary and its replicas."
  type        = string
  default     = "db.m7g.large"
}

variable "allocated_storage" {
  description = "Initial storage in GiB."
  type        = number
  default     = 50
}

variable "max_allocated_storage" {
  description = "Storage autoscaling ceiling in GiB."
  type        = number
  default     = 500
}

variable "vpc_id" {
  description = "VPC of the database's security group."
  type        = string
}

variable "subnet_ids" {
  description = "Data subnets (three zones) the instance and its standby may use."
  type        = list(string)
}

variable "allowed_security_group_ids" {
  description = "Security groups allowed to connect on 5432 (the EKS cluster's)."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "KMS key that encrypts storage, snapshots, Performance Insights and the master user secret."
  type        = string
}

variable "multi_az" {
  description = "Keep a synchronous standby in another zone with automatic failover."
  type        = bool
  default     = true
}

variable "backup_retention_days" {
  description = "Days of automated backups, which are also the point-in-time recovery window."
  type        = number
  default     = 14

  validation {
    condition     = var.backup_retention_days >= 7 && var.backup_retention_days <= 35
    error_message = "Keep 7 to 35 days of backups: point-in-time recovery needs them."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the instance (on in production; the environment root decides)."
  type        = bool
}

variable "read_replica_count" {
  description = "Asynchronous read replicas of the primary (reporting and read-heavy queries)."
  type        = number
  default     = 0
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
