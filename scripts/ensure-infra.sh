#!/usr/bin/env bash
# Starts PostgreSQL, Redis and RabbitMQ on their localhost defaults when they are down (this machine kind has
# them installed as plain services; there is no Docker engine). Used by .ci/run; safe to run when all are up.
set -uo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  local name=$1 port=$2
  for _ in $(seq 1 60); do port_open "$port" && return 0; sleep 1; done
  echo "ensure-infra: $name did not come up on port $port" >&2
  return 1
}

status=0
if ! port_open 5432; then
  echo "ensure-infra: starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start || pg_ctlcluster 15 main start
  wait_port PostgreSQL 5432 || status=1
fi
if ! port_open 6379; then
  echo "ensure-infra: starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no
  wait_port Redis 6379 || status=1
fi
if ! port_open 5672; then
  echo "ensure-infra: starting RabbitMQ"
  # Every quorum queue holds file handles; with the 1024 that `su` leaves the broker, a few hundred queues block
  # every new connection in its file handle cache. Start it with the hard limit instead.
  if [ "$(id -u)" = 0 ] && id rabbitmq >/dev/null 2>&1; then
    su rabbitmq -s /bin/sh -c "ulimit -n $(ulimit -Hn); cd /var/lib/rabbitmq && /usr/lib/rabbitmq/bin/rabbitmq-server -detached"
  else
    rabbitmq-server -detached
  fi
  wait_port RabbitMQ 5672 || status=1
  # The port opens before the broker accepts logins; wait for the application to finish booting.
  rabbitmqctl await_startup >/dev/null 2>&1 || true
fi
[ $status -eq 0 ] && echo "ensure-infra: PostgreSQL :5432, Redis :6379, RabbitMQ :5672 are up"
exit $status
