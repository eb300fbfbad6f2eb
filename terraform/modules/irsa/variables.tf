variable "role_name" {
  description = "Name of the IAM role."
  type        = string
}

variable "oidc_provider_arn" {
  description = "ARN of the EKS cluster's OIDC provider."
  type        = string
}

variable "oidc_issuer" {
  description = "The cluster's OIDC issuer without https://."
  type        = string
}

variable "namespace" {
  description = "Kubernetes namespace of the service account."
  type        = string
}

variable "service_account" {
  description = "Name of the Kubernetes service account that may assume the role."
  type        = string
}

variable "policy_json" {
  description = "The role's inline IAM policy (JSON)."
  type        = string
}

variable "tags" {
  description = "Tags added to the role."
  type        = map(string)
  default     = {}
}
