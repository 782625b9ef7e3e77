#!/usr/bin/env bash
# Measures Logic Graph Fleet against its performance targets (docs/benchmarks.md) and writes a Markdown report.
#   deploy/benchmark/run.sh [--quick] [--output FILE] [--runs N] [--ai-replicas 1,2,4] ...
# Builds what is needed (skip with --no-build), starts the shared infrastructure when it is not running
# (deploy/local/infra.sh), starts a fleet of its own (vhost/database "benchmark[-$TEST_NAMESPACE]", Redis index
# $FLEET_REDIS_DATABASE, default 3), runs every scenario and stops the fleet again.
# Report: deploy/benchmark/target/report.md (+ SVG plots and fleet-logs/ beside it). `--help` lists the options.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
build=1
args=()
for arg in "$@"; do
  if [ "$arg" = "--no-build" ]; then build=0; else args+=("$arg"); fi
done

if [ "$build" = 1 ]; then
  # Each service's AppCDS archive is recorded by its first run (BenchFleet), not at build time.
  echo "[benchmark] building the services and the benchmark (./mvnw -B -q package -DskipTests)"
  ./mvnw -B -q package -DskipTests -pl deploy/benchmark -am
fi
[ -f deploy/benchmark/target/classpath.txt ] || { echo "[benchmark] not built: run without --no-build" >&2; exit 1; }

# RabbitMQ, Redis and PostgreSQL: started (as `fleet.sh run` does) only when one of them is down.
if deploy/local/infra.sh status 2>/dev/null | grep -Eq '^(rabbitmq|redis|postgres): (down|$)'; then
  deploy/local/infra.sh start
fi

export BENCH_COMMIT="${BENCH_COMMIT:-$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (with local changes)')}"
exec java -Xmx512m -Dfleet.root="$ROOT" \
  -cp "deploy/benchmark/target/classes:$(cat deploy/benchmark/target/classpath.txt)" \
  io.logicgraph.benchmark.Benchmark ${args[@]+"${args[@]}"}
