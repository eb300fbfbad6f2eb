# Production: every service database multi-AZ with a read replica, 35 days of point-in-time recovery and deletion
# protection; Redis with two replicas; RabbitMQ as a three-node cluster; OpenSearch over three zones.
module "platform" {
  source = "../../modules/platform"

  environment          = "production"
  availability_zones   = ["${var.region}a", "${var.region}b", "${var.region}c"]
  vpc_cidr             = "10.0.0.0/16"
  kubernetes_namespace = "kasho"

  eks_public_endpoint_cidrs = var.eks_public_endpoint_cidrs
  eks_node_instance_types   = ["m7i.xlarge"]
  eks_node_min_size         = 6
  eks_node_max_size         = 30

  database_instance_class        = "db.m7g.large"
  database_multi_az              = true
  database_backup_retention_days = 35
  database_deletion_protection   = true
  database_read_replica_count    = 1

  redis_node_type        = "cache.m7g.large"
  redis_replica_count    = 2
  rabbitmq_instance_type = "mq.m5.large"

  opensearch_instance_type   = "r7g.large.search"
  opensearch_instance_count  = 3
  opensearch_master_role_arn = var.opensearch_master_role_arn
}
