variable "prefix" {
  description = "Secret name prefix, e.g. kasho/production: each service's secret is <prefix>/<service>."
  type        = string
}

variable "services" {
  description = "Services that get a secret (the Helm chart's Secret kasho-<service> is synced from it)."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the secrets."
  type        = string
}

variable "recovery_window_in_days" {
  description = "Days a deleted secret can still be restored."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags added to every secret."
  type        = map(string)
  default     = {}
}
