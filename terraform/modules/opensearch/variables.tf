variable "name" {
  description = "Domain name, e.g. kasho-production (at most 28 characters)."
  type        = string
}

variable "engine_version" {
  description = "OpenSearch engine version."
  type        = string
  default     = "OpenSearch_2.17"
}

variable "instance_type" {
  description = "Data node instance type."
  type        = string
  default     = "r7g.large.search"
}

variable "instance_count" {
  description = "Data nodes, a multiple of three (one per zone)."
  type        = number
  default     = 3

  validation {
    condition     = var.instance_count % 3 == 0
    error_message = "Use a multiple of three data nodes, one set per availability zone."
  }
}

variable "volume_size_gb" {
  description = "EBS storage per data node in GiB."
  type        = number
  default     = 100
}

variable "vpc_id" {
  description = "VPC of the domain's security group."
  type        = string
}

variable "subnet_ids" {
  description = "Data subnets, one per zone."
  type        = list(string)
}

variable "allowed_security_group_ids" {
  description = "Security groups allowed to connect on HTTPS 443 (the EKS cluster's)."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the domain at rest."
  type        = string
}

variable "master_role_arn" {
  description = "IAM role that administers the domain's fine-grained access control (no internal user database)."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
