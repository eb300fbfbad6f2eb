# Amazon MQ for RabbitMQ as a three-node cluster across zones (quorum queues need it), private, AMQPS only.
# Amazon MQ encrypts a RabbitMQ broker's storage at rest with an AWS owned key: customer managed keys are offered
# for ActiveMQ only. Messages are transient (the services' databases keep the facts, the outbox re-publishes), so
# the storage key's guarantees stay on the databases; the broker's credentials are in Secrets Manager under our key.

resource "random_password" "broker" {
  length  = 40
  special = false
}

resource "aws_secretsmanager_secret" "broker" {
  name        = "${var.name}/rabbitmq"
  description = "Application credentials of the ${var.name} RabbitMQ broker"
  kms_key_id  = var.kms_key_arn
  tags        = var.tags
}

resource "aws_secretsmanager_secret_version" "broker" {
  secret_id     = aws_secretsmanager_secret.broker.id
  secret_string = jsonencode({ username = var.username, password = random_password.broker.result })
}

resource "aws_security_group" "this" {
  name        = "${var.name}-rabbitmq"
  description = "RabbitMQ of ${var.name}: AMQPS from the cluster only"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "amqps" {
  for_each                     = toset(var.allowed_security_group_ids)
  security_group_id            = aws_security_group.this.id
  referenced_security_group_id = each.value
  ip_protocol                  = "tcp"
  from_port                    = 5671
  to_port                      = 5671
}

resource "aws_mq_broker" "this" {
  broker_name                = var.name
  engine_type                = "RabbitMQ"
  engine_version             = var.engine_version
  host_instance_type         = var.instance_type
  deployment_mode            = "CLUSTER_MULTI_AZ"
  subnet_ids                 = var.subnet_ids
  security_groups            = [aws_security_group.this.id]
  publicly_accessible        = false
  auto_minor_version_upgrade = true

  encryption_options {
    use_aws_owned_key = true
  }

  logs {
    general = true
  }

  maintenance_window_start_time {
    day_of_week = "SUNDAY"
    time_of_day = "04:00"
    time_zone   = "UTC"
  }

  user {
    username = var.username
    password = random_password.broker.result
  }

  tags = var.tags
}
