#!/usr/bin/env bash
# Runs Logic Graph Fleet on one Debian/Ubuntu machine, without Docker (root or sudo).
#   deploy/local/fleet.sh run [--no-build]  install what is missing, start the infrastructure (infra.sh), build,
#                                           start the five services, run the demo graph and print its result
#   deploy/local/fleet.sh demo              run the demo graph again against the running services
#   deploy/local/fleet.sh status            what runs, and whether it is ready
#   deploy/local/fleet.sh stop              stop what `run` started (services, LLM emulator, infrastructure)
#   deploy/local/fleet.sh test              build and run every test (TEST_INFRA=containers: Testcontainers)
# Logs: .local/logs/<service>.log   pids: .local/pids/<service>.pid
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STATE_DIR="${LGF_STATE_DIR:-$ROOT/.local}"
export LGF_STATE_DIR="$STATE_DIR" # infra.sh keeps its markers there too
LOG_DIR="$STATE_DIR/logs"
PID_DIR="$STATE_DIR/pids"
DEMO_DIR="$ROOT/docs/examples/demo"
EMULATOR_SRC="$ROOT/deploy/local/llm-emulator/LlmEmulator.java"
READY_TIMEOUT="${FLEET_READY_TIMEOUT:-180}"

export POSTGRES_URL="${POSTGRES_URL:-postgresql://logic_graph:logic_graph@127.0.0.1:5432/logic_graph}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export RABBITMQ_URL="${RABBITMQ_URL:-amqp://guest:guest@127.0.0.1:5672}"
# The demo's datasource lives on the same PostgreSQL server as the fleet's own database.
DEMO_DB_URL="${DATASOURCE_DEMO_DB_URL:-${POSTGRES_URL%/*}/demo_db}"
EMULATOR_PORT="${LLM_EMULATOR_PORT:-8090}"
# JVM flags besides the heap cap (LGF_JVM_FLAGS replaces them for every service): Serial GC everywhere;
# the gateway compiles with C1 only, which keeps its start (Hibernate, Flyway) under 3 s on a busy
# machine, while the orchestrator and the workers, where the CPU of every node task goes, get C2
# (docs/benchmarks.md).
jvm_flags() { # jvm_flags SERVICE
  if [ -n "${LGF_JVM_FLAGS:-}" ]; then echo "$LGF_JVM_FLAGS"
  elif [ "$1" = api-gateway ]; then echo "-XX:+UseSerialGC -XX:TieredStopAtLevel=1"
  else echo "-XX:+UseSerialGC"; fi
}
# AppCDS (docs/benchmarks.md): a service's class-data archive target/quarkus-app/app-cds.jsa is recorded
# by its first run after a build, when it exits (`stop`), and every later start loads it: about 0.4 s off
# the gateway's start. It only loads in the application's directory with the jar's relative path, and a
# rebuild makes it stale (the JVM would refuse it), so an archive older than any file of the application
# is recorded again.
cds_current() { # cds_current DIR: the archive exists and nothing in DIR is newer
  [ -f "$1/app-cds.jsa" ] && [ -z "$(find "$1" -type f ! -name app-cds.jsa -newer "$1/app-cds.jsa" -print -quit)" ]
}
cds_flags() { # cds_flags DIR
  if cds_current "$1"; then echo "-XX:SharedArchiveFile=app-cds.jsa"
  else rm -f "$1/app-cds.jsa"; echo "-XX:ArchiveClassesAtExit=app-cds.jsa -Xlog:cds*=error"; fi
}
cds_note() { if cds_current "$1"; then echo "AppCDS"; else echo "records its AppCDS archive at exit"; fi; }
DEV_KEY_FILE="$STATE_DIR/dev-api-key"
ADMIN_TOKEN_FILE="$STATE_DIR/admin-token"

# name, default HTTP port, default management port, heap. Ports: <NAME>_HTTP_PORT / <NAME>_MANAGEMENT_PORT,
# e.g. WORKER_AI_HTTP_PORT=18083.
SERVICES=(
  "worker-rule 8084 9094 256m"
  "worker-db 8082 9092 256m"
  "worker-ai 8083 9093 256m"
  "orchestrator 8081 9091 384m"
  "api-gateway 8080 9090 384m"
)

log() { printf '[fleet] %s\n' "$*"; }
die() { printf '[fleet] ERROR: %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

port_var() { # port_var worker-ai HTTP -> value of WORKER_AI_HTTP_PORT or the default
  local var
  var="$(echo "$1" | tr 'a-z-' 'A-Z_')_$2_PORT"
  echo "${!var:-$3}"
}
gateway_url() { echo "http://127.0.0.1:$(port_var api-gateway HTTP 8080)"; }

# ---------------------------------------------------------------- installation

apt_install() {
  log "installing $*"
  as_root apt-get update -q >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null
}

java_major() { # 17, 21, or 1 for 1.8
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}

# A JDK (not only a JRE: Maven compiles, and the LLM emulator is a single-file source program), 17 or newer.
ensure_jdk() {
  if [ -n "${JAVA_HOME:-}" ]; then
    if [ -x "$JAVA_HOME/bin/javac" ] && [ "$(java_major "$JAVA_HOME/bin/java")" -ge 17 ] 2>/dev/null; then
      export PATH="$JAVA_HOME/bin:$PATH"
      return
    fi
    log "ignoring JAVA_HOME=$JAVA_HOME (not a JDK 17 or newer)"
    unset JAVA_HOME
  fi
  if command -v javac >/dev/null 2>&1 && [ "$(java_major java)" -ge 17 ] 2>/dev/null; then return; fi
  local pkg
  for pkg in openjdk-17-jdk-headless openjdk-21-jdk-headless default-jdk-headless; do
    if apt-cache show "$pkg" >/dev/null 2>&1 || { as_root apt-get update -q >/dev/null && apt-cache show "$pkg" >/dev/null 2>&1; }; then
      apt_install "$pkg"
      break
    fi
  done
  local home
  for home in /usr/lib/jvm/java-17-openjdk-* /usr/lib/jvm/java-21-openjdk-* /usr/lib/jvm/default-java; do
    if [ -x "$home/bin/javac" ]; then export JAVA_HOME="$home" PATH="$home/bin:$PATH"; break; fi
  done
  command -v javac >/dev/null 2>&1 && [ "$(java_major java)" -ge 17 ] || die "no JDK 17 or newer could be installed"
}

ensure_tools() {
  local pkgs=()
  command -v curl >/dev/null 2>&1 || pkgs+=(curl ca-certificates)
  command -v jq >/dev/null 2>&1 || pkgs+=(jq)
  if [ "${#pkgs[@]}" -gt 0 ]; then apt_install "${pkgs[@]}"; fi
}

# ---------------------------------------------------------------- processes

pid_of() { cat "$PID_DIR/$1.pid" 2>/dev/null || true; }

# True when the pid file names a live process that is still the one we started (pids are reused).
running() {
  local pid
  pid=$(pid_of "$1")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2"
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# spawn NAME [-C DIR] [VAR=value...] command...: a background process in its own session (in DIR, else
# the repository root), output to its log.
spawn() {
  local name=$1
  shift
  mkdir -p "$LOG_DIR" "$PID_DIR"
  printf '\n===== %s starting %s =====\n' "$(date -u +%FT%TZ)" "$name" >>"$LOG_DIR/$name.log"
  (cd "$ROOT" && exec setsid env "$@" >>"$LOG_DIR/$name.log" 2>&1 </dev/null) &
  echo $! >"$PID_DIR/$name.pid"
}

# stop_processes NAME:MATCH...: SIGTERM to all, then up to 20 s for all to exit, then SIGKILL.
stop_processes() {
  local entry name match pid pids=()
  for entry in "$@"; do
    name=${entry%%:*} match=${entry#*:}
    if running "$name" "$match"; then
      pid=$(pid_of "$name")
      log "stopping $name (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
    rm -f "$PID_DIR/$name.pid"
  done
  for _ in $(seq 1 100); do
    local alive=0
    for pid in ${pids[@]+"${pids[@]}"}; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && return
    sleep 0.2
  done
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null && { log "pid $pid did not stop within 20 s; killing it"; kill -KILL "$pid" 2>/dev/null || true; }
  done
}

fail_with_log() { # fail_with_log NAME MESSAGE
  local file="$LOG_DIR/$1.log"
  printf '[fleet] ERROR: %s\n[fleet] last lines of %s:\n' "$2" "$file" >&2
  tail -n 30 "$file" 2>/dev/null | sed 's/^/    /' >&2 || true
  exit 1
}

# ---------------------------------------------------------------- run

build() {
  log "building (./mvnw -B -q package -DskipTests)"
  (cd "$ROOT" && ./mvnw -B -q package -DskipTests) ||
    die "the build failed (output above)"
}

# Creates the demo datasource's database when it lives on the fleet's PostgreSQL server (the default),
# then loads the demo rows (idempotent).
create_demo_db() {
  local db=${DEMO_DB_URL%%\?*}
  db=${db##*/}
  log "creating the demo datasource demo_db (database $db, table products)"
  if [ "${DEMO_DB_URL%/*}" = "${POSTGRES_URL%/*}" ]; then
    psql -q -X -v ON_ERROR_STOP=1 -v db="$db" "$POSTGRES_URL" >/dev/null <<'SQL' || die "cannot create $db on $(echo "${POSTGRES_URL%/*}" | sed 's#//[^@]*@#//#')"
SELECT format('CREATE DATABASE %I', :'db') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db')\gexec
SQL
  fi
  PGOPTIONS='-c client_min_messages=warning' psql -q -X -v ON_ERROR_STOP=1 "$DEMO_DB_URL" -f "$DEMO_DIR/demo_db.sql" >/dev/null || die "cannot fill the demo datasource ($db)"
}

# Each AI provider of worker-ai without its own credentials is pointed at the local LLM emulator:
# OpenAI without OPENAI_API_KEY, Anthropic without ANTHROPIC_API_KEY, Ollama without OLLAMA_BASE_URL.
# The emulator is started when at least one provider uses it. worker-ai inherits what is exported here.
start_emulator() {
  local root="http://127.0.0.1:$EMULATOR_PORT" emulated=()
  if [ -n "${OPENAI_API_KEY:-}" ]; then
    log "OPENAI_API_KEY is set: OpenAI nodes call ${OPENAI_BASE_URL:-the OpenAI API}"
  else
    export OPENAI_BASE_URL="$root/v1" OPENAI_API_KEY="emulator-key"
    emulated+=(OpenAI)
  fi
  if [ -n "${ANTHROPIC_API_KEY:-}" ]; then
    log "ANTHROPIC_API_KEY is set: Claude nodes call ${ANTHROPIC_BASE_URL:-the Anthropic API}"
  else
    # The Anthropic base URL has no /v1: the provider appends /v1/messages.
    export ANTHROPIC_BASE_URL="$root" ANTHROPIC_API_KEY="emulator-key"
    emulated+=(Anthropic)
  fi
  if [ -n "${OLLAMA_BASE_URL:-}" ]; then
    log "OLLAMA_BASE_URL is set: Ollama nodes call $OLLAMA_BASE_URL"
  else
    export OLLAMA_BASE_URL="$root"
    emulated+=(Ollama)
  fi
  [ "${#emulated[@]}" -gt 0 ] || return 0
  if ! running llm-emulator LlmEmulator; then
    [ -f "$EMULATOR_SRC" ] || die "$EMULATOR_SRC is missing"
    port_busy "$EMULATOR_PORT" && die "port $EMULATOR_PORT is taken by another process (set LLM_EMULATOR_PORT)"
    spawn llm-emulator java -Xmx64m "$EMULATOR_SRC" --port "$EMULATOR_PORT"
  fi
  local probe='{"model":"probe","messages":[{"role":"user","content":"ping"}]}'
  for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null -H 'Content-Type: application/json' -H 'Authorization: Bearer emulator-key' \
      -d "$probe" "$root/v1/chat/completions" 2>/dev/null; then
      log "LLM EMULATOR on 127.0.0.1:$EMULATOR_PORT answers ${emulated[*]} nodes (no credentials for them): canned test text, not a real model."
      return
    fi
    running llm-emulator LlmEmulator || fail_with_log llm-emulator "the LLM emulator exited"
    sleep 0.5
  done
  fail_with_log llm-emulator "the LLM emulator did not answer on 127.0.0.1:$EMULATOR_PORT within 60 s"
}

random_chars() { # random_chars N ALPHABET
  local out=''
  while [ "${#out}" -lt "$1" ]; do out+=$(head -c 256 /dev/urandom | LC_ALL=C tr -dc "$2"); done
  echo "${out:0:$1}"
}

# The dev API key (tenant default) and the admin token of the local run: LGF_BOOTSTRAP_API_KEY and
# LGF_ADMIN_TOKEN when set, else made once and kept in $STATE_DIR (readable by this user only).
ensure_credentials() {
  mkdir -p "$STATE_DIR"
  if [ -z "${LGF_BOOTSTRAP_API_KEY:-}" ]; then
    [ -s "$DEV_KEY_FILE" ] ||
      (umask 077 && echo "lgf_$(random_chars 12 'a-z0-9')_$(random_chars 43 'A-Za-z0-9')" >"$DEV_KEY_FILE")
    LGF_BOOTSTRAP_API_KEY=$(cat "$DEV_KEY_FILE")
  fi
  if [ -z "${LGF_ADMIN_TOKEN:-}" ]; then
    [ -s "$ADMIN_TOKEN_FILE" ] || (umask 077 && random_chars 43 'A-Za-z0-9' >"$ADMIN_TOKEN_FILE")
    LGF_ADMIN_TOKEN=$(cat "$ADMIN_TOKEN_FILE")
  fi
  # not exported: start_services hands them to the gateway alone
}

# The key the demo and the printed examples use.
dev_key() {
  if [ -n "${LGF_API_KEY:-}" ]; then echo "$LGF_API_KEY"
  elif [ -n "${LGF_BOOTSTRAP_API_KEY:-}" ]; then echo "$LGF_BOOTSTRAP_API_KEY"
  elif [ -s "$DEV_KEY_FILE" ]; then cat "$DEV_KEY_FILE"
  else die "no API key: set LGF_API_KEY (or start the fleet with deploy/local/fleet.sh run)"; fi
}

start_services() {
  local s name http mgmt heap dir jar extra cds
  for s in "${SERVICES[@]}"; do
    set -- $s
    name=$1 http=$(port_var "$1" HTTP "$2") mgmt=$(port_var "$1" MANAGEMENT "$3") heap=$4
    dir="$ROOT/$name/target/quarkus-app"
    jar="$dir/quarkus-run.jar"
    stop_processes "$name:quarkus-run.jar" # a previous run's process: restart it on the new build
    [ -f "$jar" ] || die "$jar is missing: build first (drop --no-build)"
    for port in "$http" "$mgmt"; do
      port_busy "$port" && die "port $port (for $name) is taken by another process; set $(echo "$name" | tr 'a-z-' 'A-Z_')_HTTP_PORT/_MANAGEMENT_PORT"
    done
    extra=()
    # worker-ai inherits OPENAI_*, ANTHROPIC_* and OLLAMA_BASE_URL (the emulator's where start_emulator set them).
    [ "$name" = worker-db ] && extra=("DATASOURCE_DEMO_DB_URL=$DEMO_DB_URL")
    # only the gateway gets the API credentials (LGF_BOOTSTRAP_API_KEY, LGF_ADMIN_TOKEN)
    [ "$name" = api-gateway ] && extra=("LGF_BOOTSTRAP_API_KEY=$LGF_BOOTSTRAP_API_KEY" "LGF_ADMIN_TOKEN=$LGF_ADMIN_TOKEN")
    read -ra cds <<<"$(cds_flags "$dir")"
    log "starting $name (http $http, management $mgmt, -Xmx$heap, $(cds_note "$dir"))"
    # shellcheck disable=SC2046 # jvm_flags prints several flags
    spawn "$name" -C "$dir" QUARKUS_HTTP_PORT="$http" QUARKUS_MANAGEMENT_PORT="$mgmt" ${extra[@]+"${extra[@]}"} \
      java "-Xmx$heap" $(jvm_flags "$name") ${cds[@]+"${cds[@]}"} -jar quarkus-run.jar
  done
}

wait_ready() {
  local s name mgmt deadline=$((SECONDS + READY_TIMEOUT))
  for s in "${SERVICES[@]}"; do
    set -- $s
    name=$1 mgmt=$(port_var "$1" MANAGEMENT "$3")
    until curl -fsS -o /dev/null "http://127.0.0.1:$mgmt/ready" 2>/dev/null; do
      running "$name" quarkus-run.jar || fail_with_log "$name" "$name exited before it was ready"
      [ "$SECONDS" -lt "$deadline" ] ||
        fail_with_log "$name" "$name is not ready after ${READY_TIMEOUT}s (http://127.0.0.1:$mgmt/ready); see $LOG_DIR/$name.log"
      sleep 1
    done
    log "$name is ready"
  done
}

# Submits docs/examples/demo/graph.yaml, executes it with the sample context and prints the outcome.
demo() {
  local api body code graph_id execution_id status key
  api="$(gateway_url)/api/v1"
  key=$(dev_key)
  log "submitting the demo graph ($DEMO_DIR/graph.yaml)"
  body=$(curl -sS -w '\n%{http_code}' -X POST -H "X-API-Key: $key" -H 'Content-Type: application/yaml' \
    --data-binary "@$DEMO_DIR/graph.yaml" "$api/graphs") || die "cannot reach the gateway at $api"
  code=${body##*$'\n'} body=${body%$'\n'*}
  [ "$code" = 201 ] || { echo "$body" | jq . 2>/dev/null || echo "$body"; die "POST /graphs answered $code"; }
  graph_id=$(echo "$body" | jq -r .id)
  log "graph $graph_id stored; executing it with $(jq -c .context "$DEMO_DIR/context.json")"
  body=$(curl -sS -w '\n%{http_code}' -X POST -H "X-API-Key: $key" -H 'Content-Type: application/json' \
    --data-binary "@$DEMO_DIR/context.json" "$api/graphs/$graph_id/execute?wait=30000")
  code=${body##*$'\n'} body=${body%$'\n'*}
  case $code in
    200 | 202) ;;
    *) echo "$body" | jq . 2>/dev/null || echo "$body"; die "POST /graphs/$graph_id/execute answered $code" ;;
  esac
  execution_id=$(echo "$body" | jq -r '.execution_id // .id')
  for _ in $(seq 1 60); do # ?wait answers 202 when the execution takes longer than 30 s
    body=$(curl -fsS -H "X-API-Key: $key" "$api/executions/$execution_id") || die "GET /executions/$execution_id failed"
    status=$(echo "$body" | jq -r .status)
    case $status in completed | failed | cancelled) break ;; esac
    sleep 1
  done
  echo
  echo "Execution $execution_id: $status ($(echo "$body" | jq -r '.duration_ms // "?"') ms)"
  printf '  %-16s %-14s %-10s %8s %8s\n' node type status attempts ms
  echo "$body" | jq -r '.nodes | to_entries | sort_by(.value.started_at // "~")[] | [.key, .value.node_type, .value.status,
      (.value.attempts // "-" | tostring), (.value.duration_ms // "-" | tostring)] | @tsv' |
    while IFS=$'\t' read -r n t st a ms; do printf '  %-16s %-14s %-10s %8s %8s\n' "$n" "$t" "$st" "$a" "$ms"; done
  echo
  echo "Final context (GET /api/v1/executions/$execution_id/results):"
  curl -fsS -H "X-API-Key: $key" "$api/executions/$execution_id/results" | jq '{status, context, error}'
  echo
  [ "$status" = completed ] || die "the demo execution ended $status; service logs are in $LOG_DIR"
  log "the fleet runs: API on $(gateway_url)/api/v1 (docs/getting-started.md); stop it with: deploy/local/fleet.sh stop"
  log "dev API key (tenant default; every /api/v1 call needs it):"
  echo
  echo "  export LGF_API_KEY=$key"
  echo "  curl -H \"X-API-Key: \$LGF_API_KEY\" $api/graphs"
  echo
  log "more keys: deploy/local/keys.sh create <tenant> [name] (docs/security.md)"
}

cmd_run() {
  local do_build=1
  [ "${1:-}" = --no-build ] && do_build=0
  ensure_jdk
  ensure_tools
  "$ROOT/deploy/local/infra.sh" start
  [ "$do_build" = 1 ] && build
  create_demo_db
  start_emulator
  ensure_credentials
  start_services
  log "waiting for every service's /ready (up to ${READY_TIMEOUT}s)"
  wait_ready
  demo
}

cmd_stop() {
  local s entries=()
  for s in "${SERVICES[@]}"; do entries+=("${s%% *}:quarkus-run.jar"); done
  stop_processes "${entries[@]}" llm-emulator:LlmEmulator
  "$ROOT/deploy/local/infra.sh" stop
}

cmd_status() {
  local s name mgmt state
  "$ROOT/deploy/local/infra.sh" status
  for s in "${SERVICES[@]}"; do
    set -- $s
    name=$1 mgmt=$(port_var "$1" MANAGEMENT "$3")
    if ! running "$name" quarkus-run.jar; then state="not running"
    elif curl -fsS -o /dev/null "http://127.0.0.1:$mgmt/ready" 2>/dev/null; then state="ready (pid $(pid_of "$name"))"
    else state="not ready (pid $(pid_of "$name"))"; fi
    echo "$name: $state"
  done
  running llm-emulator LlmEmulator && echo "llm-emulator: running (pid $(pid_of llm-emulator))" || true
}

cmd_test() {
  ensure_jdk
  if [ "${TEST_INFRA:-}" != containers ]; then
    "$ROOT/deploy/local/infra.sh" start
    export TEST_INFRA="${TEST_INFRA:-local}"
  fi
  cd "$ROOT"
  exec ./mvnw -B -ntp verify
}

case "${1:-}" in
  run) shift; cmd_run "$@" ;;
  demo) ensure_tools; demo ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  test) cmd_test ;;
  *) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
