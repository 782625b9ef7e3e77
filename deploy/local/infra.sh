#!/usr/bin/env bash
# Installs (when missing) and starts RabbitMQ, Redis and PostgreSQL on loopback, without systemd or Docker.
#   deploy/local/infra.sh start   # idempotent: leaves running services alone
#   deploy/local/infra.sh stop    # stops only what this script started
#   deploy/local/infra.sh status
# Connection URLs (the defaults every service and test uses):
#   POSTGRES_URL=postgresql://logic_graph:logic_graph@127.0.0.1:5432/logic_graph
#   REDIS_URL=redis://127.0.0.1:6379
#   RABBITMQ_URL=amqp://guest:guest@127.0.0.1:5672
set -euo pipefail

STATE_DIR="${LGF_STATE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/.local}"
mkdir -p "$STATE_DIR"

# The PostgreSQL major version: the one asked for, else the installed one (15 on Debian 12, 14/16 on Ubuntu).
pg_version() {
  if [ -n "${PG_VERSION:-}" ]; then echo "$PG_VERSION"; return; fi
  local installed
  installed=$(ls -1 /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1)
  echo "${installed:-15}"
}

log() { printf '[infra] %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_missing() {
  local pkgs=()
  command -v rabbitmq-server >/dev/null 2>&1 || [ -x /usr/sbin/rabbitmq-server ] || pkgs+=(rabbitmq-server)
  command -v redis-server >/dev/null 2>&1 || pkgs+=(redis-server redis-tools)
  command -v pg_ctlcluster >/dev/null 2>&1 || pkgs+=(postgresql postgresql-client)
  command -v curl >/dev/null 2>&1 || pkgs+=(curl ca-certificates)
  if [ "${#pkgs[@]}" -gt 0 ]; then
    log "installing ${pkgs[*]}"
    as_root apt-get update -q >/dev/null
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${pkgs[@]}" >/dev/null
  fi
}

rabbit_running() { as_root rabbitmqctl -q status >/dev/null 2>&1; }

# Tests create one virtual host per suite through the management API: make sure it answers even when
# RabbitMQ was started by someone else (e.g. the distribution's service, which enables no plugins).
ensure_rabbit_management() {
  curl -fsS -o /dev/null -u guest:guest http://127.0.0.1:15672/api/overview 2>/dev/null && return
  log "enabling the RabbitMQ management plugin"
  as_root rabbitmq-plugins enable rabbitmq_management rabbitmq_prometheus >/dev/null
  for _ in $(seq 1 60); do
    curl -fsS -o /dev/null -u guest:guest http://127.0.0.1:15672/api/overview 2>/dev/null && return
    sleep 0.5
  done
  log "warning: RabbitMQ management API not answering on 127.0.0.1:15672"
}

start_rabbitmq() {
  if rabbit_running; then log "RabbitMQ already running"; ensure_rabbit_management; return; fi
  as_root mkdir -p /etc/rabbitmq
  as_root tee /etc/rabbitmq/rabbitmq.conf >/dev/null <<'CONF'
listeners.tcp.default = 127.0.0.1:5672
management.tcp.ip = 127.0.0.1
management.tcp.port = 15672
prometheus.tcp.ip = 127.0.0.1
prometheus.tcp.port = 15692
loopback_users.guest = true
CONF
  as_root tee /etc/rabbitmq/rabbitmq-env.conf >/dev/null <<'CONF'
NODENAME=rabbit@localhost
NODE_IP_ADDRESS=127.0.0.1
ERL_EPMD_ADDRESS=127.0.0.1
CONF
  as_root rabbitmq-plugins enable --offline rabbitmq_management rabbitmq_prometheus >/dev/null
  log "starting RabbitMQ"
  as_root rabbitmq-server -detached
  as_root rabbitmqctl wait --timeout 60 /var/lib/rabbitmq/mnesia/rabbit@localhost.pid >/dev/null
  touch "$STATE_DIR/started-rabbitmq"
  ensure_rabbit_management
}

start_redis() {
  if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then log "Redis already running"; return; fi
  log "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no \
    --pidfile "$STATE_DIR/redis.pid" --logfile "$STATE_DIR/redis.log"
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.1; done
  touch "$STATE_DIR/started-redis"
}

start_postgres() {
  PG_VERSION=$(pg_version)
  if ! pg_lsclusters -h 2>/dev/null | grep -q "^$PG_VERSION main"; then
    as_root pg_createcluster "$PG_VERSION" main >/dev/null
  fi
  if pg_lsclusters -h | awk -v v="$PG_VERSION" '$1==v && $2=="main" {print $4}' | grep -q online; then
    log "PostgreSQL already running"
  else
    log "starting PostgreSQL"
    as_root pg_ctlcluster "$PG_VERSION" main start
    touch "$STATE_DIR/started-postgres"
  fi
  as_root su postgres -c "psql -q -v ON_ERROR_STOP=1" <<'SQL' >/dev/null
SELECT 'CREATE ROLE logic_graph LOGIN CREATEDB PASSWORD ''logic_graph'''
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'logic_graph')\gexec
SELECT 'CREATE DATABASE logic_graph OWNER logic_graph'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'logic_graph')\gexec
SQL
}

stop_all() {
  if [ -f "$STATE_DIR/started-rabbitmq" ]; then
    log "stopping RabbitMQ"; as_root rabbitmqctl shutdown >/dev/null 2>&1 || true; rm -f "$STATE_DIR/started-rabbitmq"
  fi
  if [ -f "$STATE_DIR/started-redis" ]; then
    log "stopping Redis"; redis-cli -h 127.0.0.1 -p 6379 shutdown nosave >/dev/null 2>&1 || true; rm -f "$STATE_DIR/started-redis"
  fi
  if [ -f "$STATE_DIR/started-postgres" ]; then
    log "stopping PostgreSQL"; as_root pg_ctlcluster "$(pg_version)" main stop >/dev/null 2>&1 || true; rm -f "$STATE_DIR/started-postgres"
  fi
}

case "${1:-start}" in
  start)
    install_missing
    start_postgres
    start_redis
    start_rabbitmq
    log "RabbitMQ, Redis and PostgreSQL are up on 127.0.0.1"
    ;;
  stop) stop_all ;;
  status)
    rabbit_running && echo "rabbitmq: up" || echo "rabbitmq: down"
    redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && echo "redis: up" || echo "redis: down"
    pg_lsclusters -h 2>/dev/null | awk -v v="$(pg_version)" '$1==v && $2=="main" {print "postgres: " $4}'
    ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
