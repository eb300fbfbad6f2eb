variable "region" {
  description = "AWS region of the environment."
  type        = string
  default     = "eu-central-1"
}

variable "account_id" {
  description = "The AWS account this environment lives in; the provider refuses any other."
  type        = string
}

variable "eks_public_endpoint_cidrs" {
  description = "Networks (e.g. the operators' VPN) allowed to reach the Kubernetes API publicly; empty for private only."
  type        = list(string)
  default     = []
}

variable "opensearch_master_role_arn" {
  description = "IAM role administering OpenSearch fine-grained access control."
  type        = string
}
