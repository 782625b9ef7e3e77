#!/usr/bin/env bash
# Installs (when missing) and starts RabbitMQ, Redis, PostgreSQL and MariaDB on loopback, without systemd or Docker.
#   deploy/local/infra.sh start   # idempotent: leaves running services alone
#   deploy/local/infra.sh stop    # stops only what this script started
#   deploy/local/infra.sh status
# Connection URLs (the defaults every service and test uses):
#   POSTGRES_URL=postgresql://logic_graph:logic_graph@127.0.0.1:5432/logic_graph
#   REDIS_URL=redis://127.0.0.1:6379
#   RABBITMQ_URL=amqp://guest:guest@127.0.0.1:5672
#   MYSQL_URL=mysql://logic_graph:logic_graph@127.0.0.1:3306/logic_graph   (MySQL datasources, worker-db tests)
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
# The default soft limit of 1024 open files is too few: every quorum queue keeps files open, and
# once RabbitMQ's file-handle cache counts the limit as reached it stops accepting AMQP connections
# (each waits for a socket handle) without any error. This file is sourced by the start script.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
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
    # Room for several fleets at once (each service keeps a pool; a fleet with two orchestrator
    # replicas holds about 40 connections); the packaged default of 100 runs out.
    as_root mkdir -p "/etc/postgresql/$PG_VERSION/main/conf.d"
    echo "max_connections = 300" | as_root tee "/etc/postgresql/$PG_VERSION/main/conf.d/logic-graph.conf" >/dev/null
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

# ---- MariaDB (MySQLNode datasources and worker-db tests), kept apart from the platform services above.
# mariadbd on 127.0.0.1:3306, root through the unix socket; user logic_graph (password logic_graph) owns
# the database logic_graph and every database whose name ends in _test (test suites create their own).
mariadb_running() {
  command -v mariadb-admin >/dev/null 2>&1 \
    && mariadb-admin --protocol=tcp -h 127.0.0.1 -P 3306 --connect-timeout=2 ping >/dev/null 2>&1
}

start_mariadb() {
  if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then
    log "installing mariadb-server"
    as_root apt-get update -q >/dev/null
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends mariadb-server >/dev/null
  fi
  if mariadb_running; then
    log "MariaDB already running"
  else
    log "starting MariaDB"
    as_root install -d -o mysql -g mysql /run/mysqld
    as_root install -d -o mysql -g adm /var/log/mysql
    if [ ! -d /var/lib/mysql/mysql ]; then
      as_root mariadb-install-db --user=mysql --datadir=/var/lib/mysql --skip-test-db >/dev/null
    fi
    as_root setsid -f /usr/sbin/mariadbd --user=mysql --bind-address=127.0.0.1 --port=3306 \
      --log-error=/var/log/mysql/error.log </dev/null >/dev/null 2>&1
    for _ in $(seq 1 100); do mariadb_running && break; sleep 0.2; done
    mariadb_running || { log "MariaDB did not start: see /var/log/mysql/error.log"; return 1; }
    touch "$STATE_DIR/started-mariadb"
  fi
  as_root mariadb --protocol=socket -u root <<'SQL'
CREATE DATABASE IF NOT EXISTS logic_graph;
CREATE USER IF NOT EXISTS 'logic_graph'@'127.0.0.1' IDENTIFIED BY 'logic_graph';
CREATE USER IF NOT EXISTS 'logic_graph'@'localhost' IDENTIFIED BY 'logic_graph';
GRANT ALL PRIVILEGES ON `logic_graph`.* TO 'logic_graph'@'127.0.0.1', 'logic_graph'@'localhost';
GRANT ALL PRIVILEGES ON `%\_test`.* TO 'logic_graph'@'127.0.0.1', 'logic_graph'@'localhost';
SQL
}

stop_mariadb() {
  if [ -f "$STATE_DIR/started-mariadb" ]; then
    log "stopping MariaDB"; as_root mariadb-admin --protocol=socket -u root shutdown >/dev/null 2>&1 || true
    rm -f "$STATE_DIR/started-mariadb"
  fi
}

case "${1:-start}" in
  start)
    install_missing
    start_postgres
    start_redis
    start_rabbitmq
    start_mariadb
    log "RabbitMQ, Redis, PostgreSQL and MariaDB are up on 127.0.0.1"
    ;;
  stop) stop_all; stop_mariadb ;;
  status)
    rabbit_running && echo "rabbitmq: up" || echo "rabbitmq: down"
    redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && echo "redis: up" || echo "redis: down"
    pg_lsclusters -h 2>/dev/null | awk -v v="$(pg_version)" '$1==v && $2=="main" {print "postgres: " $4}'
    mariadb_running && echo "mariadb: up" || echo "mariadb: down"
    ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
