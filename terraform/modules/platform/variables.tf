variable "environment" {
  description = "Environment name (staging, production): part of every resource name."
  type        = string
}

variable "availability_zones" {
  description = "The three availability zones Kasho spreads over."
  type        = list(string)
}

variable "vpc_cidr" {
  description = "The VPC's IPv4 range; the Helm chart's networkPolicy.vpcCidr must equal it."
  type        = string
  default     = "10.0.0.0/16"
}

variable "kubernetes_namespace" {
  description = "Namespace Kasho is deployed to (the kustomize overlay's namespace)."
  type        = string
}

variable "eks_public_endpoint_cidrs" {
  description = "Networks allowed to reach the Kubernetes API publicly; empty for a private endpoint only."
  type        = list(string)
  default     = []
}

variable "eks_node_instance_types" {
  description = "EC2 instance types of the EKS node group."
  type        = list(string)
}

variable "eks_node_min_size" {
  description = "Fewest EKS nodes."
  type        = number
}

variable "eks_node_max_size" {
  description = "Most EKS nodes."
  type        = number
}

variable "database_instance_class" {
  description = "RDS instance class of every service database."
  type        = string
}

variable "database_multi_az" {
  description = "Synchronous standby in a second zone for every service database."
  type        = bool
}

variable "database_backup_retention_days" {
  description = "Automated backup retention, which is also the point-in-time recovery window, in days."
  type        = number
}

variable "database_deletion_protection" {
  description = "Protect every service database from deletion. No default: each environment states it."
  type        = bool
}

variable "database_read_replica_count" {
  description = "Read replicas per service database."
  type        = number
  default     = 0
}

variable "redis_node_type" {
  description = "ElastiCache node type."
  type        = string
}

variable "redis_replica_count" {
  description = "Redis replicas of the primary."
  type        = number
}

variable "rabbitmq_instance_type" {
  description = "Amazon MQ instance type of each RabbitMQ cluster node."
  type        = string
}

variable "opensearch_instance_type" {
  description = "OpenSearch data node instance type."
  type        = string
}

variable "opensearch_instance_count" {
  description = "OpenSearch data nodes (a multiple of three)."
  type        = number
}

variable "opensearch_master_role_arn" {
  description = "IAM role administering OpenSearch fine-grained access control."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
