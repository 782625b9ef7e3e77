#!/usr/bin/env bash
# API keys of the gateway, through its admin endpoints on the management port (docs/security.md).
#   deploy/local/keys.sh create <tenant> [name]   make a key; its plaintext is printed once, never stored
#   deploy/local/keys.sh list [tenant]            keys (id, tenant, name, created, revoked, last used)
#   deploy/local/keys.sh revoke <id>              revoke a key (immediate on that gateway; others within
#                                                 gateway.auth.key-cache-ttl, 10 s by default)
# Environment: LGF_ADMIN_TOKEN (default: the local run's, .local/admin-token), LGF_ADMIN_URL (default
# http://127.0.0.1:$API_GATEWAY_MANAGEMENT_PORT, port 9090).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STATE_DIR="${LGF_STATE_DIR:-$ROOT/.local}"
ADMIN_URL="${LGF_ADMIN_URL:-http://127.0.0.1:${API_GATEWAY_MANAGEMENT_PORT:-9090}}"

die() { printf '[keys] ERROR: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

token="${LGF_ADMIN_TOKEN:-}"
if [ -z "$token" ] && [ -s "$STATE_DIR/admin-token" ]; then token=$(cat "$STATE_DIR/admin-token"); fi
[ -n "$token" ] || die "no admin token: set LGF_ADMIN_TOKEN (the gateway's) or start the fleet with deploy/local/fleet.sh run"
command -v curl >/dev/null 2>&1 || die "curl is needed"
command -v jq >/dev/null 2>&1 || die "jq is needed"

# call METHOD PATH [JSON]: prints the body; fails with the problem's detail on an error status
call() {
  local out code
  # the token goes through a header file on stdin, not the command line (ps would show it)
  out=$(printf 'Authorization: Bearer %s\n' "$token" |
    curl -sS -w '\n%{http_code}' -X "$1" -H @- -H 'Content-Type: application/json' ${3:+--data-binary "$3"} "$ADMIN_URL$2") ||
    die "cannot reach the gateway's management port at $ADMIN_URL"
  code=${out##*$'\n'} out=${out%$'\n'*}
  case $code in
    2??) printf '%s' "$out" ;;
    *) die "$1 $2 answered $code: $(echo "$out" | jq -r '.detail // .' 2>/dev/null || echo "$out")" ;;
  esac
}

case "${1:-}" in
  create)
    [ -n "${2:-}" ] || usage
    body=$(jq -nc --arg tenant "$2" --arg name "${3:-}" '{tenant: $tenant} + (if $name == "" then {} else {name: $name} end)')
    created=$(call POST /admin/api-keys "$body")
    echo "$created" | jq -r '"key \(.id) for tenant \(.tenant) (\(.name)); shown this once, store it now:"'
    echo "$created" | jq -r '"  \(.key)"'
    ;;
  list)
    path=/admin/api-keys
    [ -n "${2:-}" ] && path="$path?tenant=$(jq -rn --arg t "$2" '$t|@uri')"
    call GET "$path" | jq -r '(["ID", "TENANT", "NAME", "CREATED", "REVOKED", "LAST USED"] | @tsv),
      (.items[] | [.id, .tenant, .name, .created_at, (.revoked_at // "-"), (.last_used_at // "-")] | @tsv)' |
      { if command -v column >/dev/null; then column -t -s $'\t'; else cat; fi; }
    ;;
  revoke)
    [ -n "${2:-}" ] || usage
    call DELETE "/admin/api-keys/$(jq -rn --arg id "$2" '$id|@uri')" >/dev/null
    echo "key $2 revoked"
    ;;
  *) usage ;;
esac
