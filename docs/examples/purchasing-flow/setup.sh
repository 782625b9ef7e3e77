#!/usr/bin/env bash
# Creates the four datasources of the purchasing-flow example (oms_db, inventory_db, supplier_db,
# uom_db) on a PostgreSQL server when they are missing, then loads schema.sql (tables and the sample
# rows of three products). Safe to run again.
#   docs/examples/purchasing-flow/setup.sh          # set up; says which DATASOURCE_* variables to set
#   eval "$(docs/examples/purchasing-flow/setup.sh --env)"   # set up, and export those variables
# Server and role: POSTGRES_URL (default: the local fleet's postgresql://logic_graph:logic_graph@127.0.0.1:5432/logic_graph);
# the role needs CREATEDB (the fleet's logic_graph role has it). Needs psql.
set -euo pipefail

DIR=$(cd "$(dirname "$0")" && pwd)
POSTGRES_URL="${POSTGRES_URL:-postgresql://logic_graph:logic_graph@127.0.0.1:5432/logic_graph}"
DATABASES=(oms_db inventory_db supplier_db uom_db)

log() { printf '[purchasing-flow] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# A URL without its password, for messages.
redacted() { echo "$1" | sed 's#//\([^:@/]*\):[^@/]*@#//\1:***@#'; }

case "${1:-}" in
  "" | --env) ;;
  *) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
command -v psql >/dev/null 2>&1 || die "psql is missing (apt-get install postgresql-client)"

# postgresql://user:pass@host:port/db?options -> server part and options, to name the other databases.
server=${POSTGRES_URL%%\?*}
options=""
[ "$server" != "$POSTGRES_URL" ] && options="?${POSTGRES_URL#*\?}"
server=${server%/*}
datasource_url() { echo "$server/$1$options"; }

for db in "${DATABASES[@]}"; do
  psql -q -X -v ON_ERROR_STOP=1 -v db="$db" "$POSTGRES_URL" >/dev/null <<'SQL' ||
SELECT format('CREATE DATABASE %I', :'db')
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db')\gexec
SQL
    die "cannot create $db on $(redacted "$server") (is PostgreSQL running, and may the role create databases?)"
done
log "databases ${DATABASES[*]} exist on $(redacted "$server")"

PGOPTIONS='-c client_min_messages=warning' psql -q -X -v ON_ERROR_STOP=1 "$POSTGRES_URL" \
  -f "$DIR/schema.sql" >/dev/null || die "cannot load $DIR/schema.sql"
log "tables and sample rows loaded (products PROD-001, PROD-002, PROD-003)"

if [ "${1:-}" = --env ]; then
  for db in "${DATABASES[@]}"; do
    printf 'export DATASOURCE_%s_URL=%q\n' "$(echo "$db" | tr 'a-z' 'A-Z')" "$(datasource_url "$db")"
  done
  log "exported DATASOURCE_{OMS,INVENTORY,SUPPLIER,UOM}_DB_URL: start worker-db (deploy/local/fleet.sh run) from this shell"
else
  log "worker-db needs these datasources (start it with them in its environment):"
  for db in "${DATABASES[@]}"; do
    log "  DATASOURCE_$(echo "$db" | tr 'a-z' 'A-Z')_URL=$(redacted "$(datasource_url "$db")")"
  done
  log "with credentials: eval \"\$($0 --env)\""
fi
