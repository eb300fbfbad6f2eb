variable "name" {
  description = "Name prefix for every network resource, e.g. kasho-production."
  type        = string
}

variable "cidr_block" {
  description = "The VPC's IPv4 range; /16 leaves room for the three subnet tiers in three zones."
  type        = string
  default     = "10.0.0.0/16"
}

variable "availability_zones" {
  description = "Exactly three availability zones: every tier gets one subnet in each, so a zone outage leaves two."
  type        = list(string)

  validation {
    condition     = length(var.availability_zones) == 3
    error_message = "Kasho spreads across exactly three availability zones."
  }
}

variable "flow_logs_kms_key_arn" {
  description = "KMS key that encrypts the VPC flow log group."
  type        = string
}

variable "flow_logs_retention_days" {
  description = "How long VPC flow logs are kept."
  type        = number
  default     = 365
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
