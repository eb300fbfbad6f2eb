# Staging: the production shape (three zones, multi-AZ stores) on smaller instances; its databases may be deleted
# and rebuilt, so deletion protection is off.
module "platform" {
  source = "../../modules/platform"

  environment          = "staging"
  availability_zones   = ["${var.region}a", "${var.region}b", "${var.region}c"]
  vpc_cidr             = "10.0.0.0/16"
  kubernetes_namespace = "kasho-staging"

  eks_public_endpoint_cidrs = var.eks_public_endpoint_cidrs
  eks_node_instance_types   = ["m7i.large"]
  eks_node_min_size         = 3
  eks_node_max_size         = 6

  database_instance_class        = "db.t4g.medium"
  database_multi_az              = true
  database_backup_retention_days = 7
  database_deletion_protection   = false
  database_read_replica_count    = 0

  redis_node_type        = "cache.t4g.medium"
  redis_replica_count    = 1
  rabbitmq_instance_type = "mq.m5.large"

  opensearch_instance_type   = "t3.medium.search"
  opensearch_instance_count  = 3
  opensearch_master_role_arn = var.opensearch_master_role_arn
}
