variable "name" {
  description = "Broker name, e.g. kasho-production."
  type        = string
}

variable "engine_version" {
  description = "RabbitMQ engine version offered by Amazon MQ."
  type        = string
  default     = "3.13"
}

variable "instance_type" {
  description = "Broker instance type (each of the cluster's three nodes)."
  type        = string
  default     = "mq.m5.large"
}

variable "subnet_ids" {
  description = "Data subnets, one per zone: a cluster broker places one node in each."
  type        = list(string)
}

variable "vpc_id" {
  description = "VPC of the broker's security group."
  type        = string
}

variable "allowed_security_group_ids" {
  description = "Security groups allowed to connect on AMQPS 5671 (the EKS cluster's)."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the secret holding the broker's credentials."
  type        = string
}

variable "username" {
  description = "The application user's name; its password is generated and kept in Secrets Manager."
  type        = string
  default     = "kasho"
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
