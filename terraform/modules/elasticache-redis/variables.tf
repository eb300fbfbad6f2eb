variable "name" {
  description = "Replication group id, e.g. kasho-production."
  type        = string
}

variable "engine_version" {
  description = "Redis engine version."
  type        = string
  default     = "7.1"
}

variable "node_type" {
  description = "Cache node type."
  type        = string
  default     = "cache.m7g.large"
}

variable "replica_count" {
  description = "Replicas of the primary, placed in other zones; at least one for automatic failover."
  type        = number
  default     = 2

  validation {
    condition     = var.replica_count >= 1
    error_message = "Automatic failover needs at least one replica."
  }
}

variable "vpc_id" {
  description = "VPC of the cache's security group."
  type        = string
}

variable "subnet_ids" {
  description = "Data subnets (three zones)."
  type        = list(string)
}

variable "allowed_security_group_ids" {
  description = "Security groups allowed to connect on 6379 (the EKS cluster's)."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the cache at rest and the AUTH token's secret."
  type        = string
}

variable "snapshot_retention_days" {
  description = "Days of daily snapshots kept."
  type        = number
  default     = 7
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
