variable "name" {
  description = "The cluster's name, e.g. kasho-production."
  type        = string
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the control plane and nodes."
  type        = string
  default     = "1.31"
}

variable "subnet_ids" {
  description = "Private subnets, one per availability zone, for the control plane's interfaces and the nodes."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "KMS key that encrypts Kubernetes Secrets in etcd and the control plane log group."
  type        = string
}

variable "public_endpoint_cidrs" {
  description = "Networks allowed to reach the API server's public endpoint; empty keeps the endpoint private only."
  type        = list(string)
  default     = []
}

variable "node_instance_types" {
  description = "EC2 instance types of the managed node group."
  type        = list(string)
  default     = ["m7i.large"]
}

variable "node_min_size" {
  description = "Fewest nodes (at least one per zone)."
  type        = number
  default     = 3
}

variable "node_max_size" {
  description = "Most nodes the cluster autoscaler may start."
  type        = number
  default     = 12
}

variable "log_retention_days" {
  description = "How long control plane logs are kept."
  type        = number
  default     = 365
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
