#!/usr/bin/env bash
# Proves the container-image build without Docker and without any registry but a loopback one:
#   1. builds a Debian bookworm + OpenJDK 17 JRE base image tarball (cached in .local/images/),
#   2. starts a loopback registry (Debian's docker-registry) unless one already answers,
#   3. builds the service images with Quarkus's Jib extension on that base and pushes them there,
#   4. inspects them with skopeo,
#   5. unpacks one image's layers and runs its entrypoint (chroot, user 185, read-only root,
#      writable /tmp, as in deploy/k8s) against the local RabbitMQ/Redis/PostgreSQL, and checks
#      that /health answers.
#
# Usage (from anywhere; run as root: apt-get, debootstrap, chroot and mounts need it):
#   deploy/images/build-offline.sh
#   SERVICES="worker-rule" CHECK_SERVICE=worker-rule deploy/images/build-offline.sh
#
# Settings (environment):
#   SERVICES        modules to build (default: all five services)
#   CHECK_SERVICE   the image to start and probe (default: worker-rule; "none" to skip)
#   REGISTRY        loopback registry host:port (default 127.0.0.1:5000)
#   IMAGE_TAG       tag (default: the project version from pom.xml)
#   DEBIAN_MIRROR   mirror for debootstrap (default: the first deb URI in /etc/apt/sources*)
#   REBUILD_BASE=1  rebuild the cached base image
#   KEEP_REGISTRY=1 leave the registry this script started running
#   RABBITMQ_URL, REDIS_URL, POSTGRES_URL, RABBITMQ_MANAGEMENT (http://user:pass@host:15672)
#                   services used by the started image (defaults: the local loopback services)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CACHE="$ROOT/.local/images"
SERVICES="${SERVICES:-api-gateway orchestrator worker-db worker-ai worker-rule}"
CHECK_SERVICE="${CHECK_SERVICE:-worker-rule}"
REGISTRY="${REGISTRY:-127.0.0.1:5000}"
IMAGE_GROUP="logic-graph"
IMAGE_TAG="${IMAGE_TAG:-$(sed -n 's:^  <version>\(.*\)</version>.*:\1:p' "$ROOT/pom.xml" | head -1)}"
BASE_TAR="$CACHE/base-jre17-bookworm.tar"
BASE_REF="logic-graph/base-jre17:bookworm"
RABBITMQ_MANAGEMENT="${RABBITMQ_MANAGEMENT:-http://guest:guest@127.0.0.1:15672}"
CHECK_VHOST="lgf-image-check"

log() { printf '\n==> %s\n' "$*"; }

# Removes a work directory, first unmounting whatever an interrupted debootstrap or check left
# mounted inside it (proc, sys, dev), and never crossing into another filesystem.
safe_rm() {
  local dir
  for dir in "$@"; do
    [ -e "$dir" ] || continue
    findmnt -rn -o TARGET | grep -F "$(realpath "$dir")/" | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    rm -rf --one-file-system "$dir"
  done
}
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (apt-get, debootstrap, chroot and mounts need it)"
mkdir -p "$CACHE"

REGISTRY_PID=""
CHECK_PID=""
# Stops the started image. unshare ignores SIGTERM while it waits for its child, and the JVM (now
# another user) lost the parent-death signal with the user switch: signal the child itself.
stop_check() {
  [ -n "$CHECK_PID" ] || return 0
  local child
  for child in $(pgrep -P "$CHECK_PID" || true); do kill -TERM "$child" 2>/dev/null || true; done
  for _ in $(seq 1 40); do
    kill -0 "$CHECK_PID" 2>/dev/null || break
    sleep 0.5
  done
  for child in $(pgrep -P "$CHECK_PID" || true); do kill -KILL "$child" 2>/dev/null || true; done
  wait "$CHECK_PID" 2>/dev/null || true
  CHECK_PID=""
}

cleanup() {
  stop_check
  if [ -n "$REGISTRY_PID" ] && [ "${KEEP_REGISTRY:-0}" != 1 ]; then
    kill "$REGISTRY_PID" 2>/dev/null || true
    wait "$REGISTRY_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT

# ------------------------------------------------------------------------------------------ tools
install_tools() {
  local missing=()
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v docker-registry >/dev/null || missing+=(docker-registry)
  command -v skopeo >/dev/null || missing+=(skopeo)
  command -v umoci >/dev/null || missing+=(umoci)
  command -v jq >/dev/null || missing+=(jq)
  command -v curl >/dev/null || missing+=(curl)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# ------------------------------------------------------------------------------------- base image
debian_mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then
    echo "$DEBIAN_MIRROR"
    return
  fi
  local uri
  uri="$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -1 || true)"
  [ -n "$uri" ] || uri="$(grep -hs '^deb ' /etc/apt/sources.list | awk '{print $2}' | head -1 || true)"
  echo "${uri:-http://deb.debian.org/debian}"
}

build_base_image() {
  if [ -f "$BASE_TAR" ] && [ "${REBUILD_BASE:-0}" != 1 ]; then
    log "base image: cached $BASE_TAR"
    return
  fi
  local rootfs="$CACHE/base-rootfs" oci="$CACHE/base-oci" bundle="$CACHE/base-bundle"
  local mirror arch
  mirror="$(debian_mirror)"
  arch="$(dpkg --print-architecture)"
  log "base image: debootstrap bookworm (minbase + openjdk-17-jre-headless) from $mirror"
  safe_rm "$rootfs" "$oci" "$bundle"
  debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates \
    bookworm "$rootfs" "$mirror" >"$CACHE/debootstrap.log" 2>&1 ||
    { tail -20 "$CACHE/debootstrap.log"; die "debootstrap failed (log: $CACHE/debootstrap.log)"; }

  # What a container runtime expects, and the conventional non-root user 185 of Java images.
  printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$rootfs/etc/hosts"
  grep -q '^jboss:' "$rootfs/etc/passwd" ||
    echo 'jboss:x:185:185:Java application:/home/jboss:/usr/sbin/nologin' >>"$rootfs/etc/passwd"
  grep -q '^jboss:' "$rootfs/etc/group" || echo 'jboss:x:185:' >>"$rootfs/etc/group"
  mkdir -p "$rootfs/home/jboss" "$rootfs/deployments"
  chown 185:185 "$rootfs/home/jboss" "$rootfs/deployments"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/var/log/*.log

  log "base image: packing as an OCI image, then a docker-archive tarball"
  umoci init --layout "$oci"
  umoci new --image "$oci:jre17"
  umoci unpack --image "$oci:jre17" "$bundle" >/dev/null
  (cd "$rootfs" && tar -cf - .) | (cd "$bundle/rootfs" && tar -xpf -)
  umoci repack --image "$oci:jre17" "$bundle"
  umoci config --image "$oci:jre17" --os linux --architecture "$arch" \
    --config.user 185 --config.workingdir /home/jboss \
    --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --config.env "JAVA_HOME=/usr/lib/jvm/java-17-openjdk-$arch" \
    --config.env LANG=C.UTF-8
  rm -f "$BASE_TAR"
  skopeo copy --quiet "oci:$oci:jre17" "docker-archive:$BASE_TAR:$BASE_REF"
  safe_rm "$rootfs" "$bundle" "$oci"
  log "base image: $BASE_TAR ($(du -h "$BASE_TAR" | cut -f1))"
}

# --------------------------------------------------------------------------------------- registry
start_registry() {
  if curl -fsS "http://$REGISTRY/v2/" >/dev/null 2>&1; then
    log "registry: one already answers on $REGISTRY"
    return
  fi
  mkdir -p "$CACHE/registry/data"
  cat >"$CACHE/registry/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $CACHE/registry/data
  delete:
    enabled: true
http:
  addr: $REGISTRY
EOF
  log "registry: starting docker-registry on $REGISTRY (storage $CACHE/registry/data)"
  docker-registry serve "$CACHE/registry/config.yml" >"$CACHE/registry/registry.log" 2>&1 &
  REGISTRY_PID=$!
  for _ in $(seq 1 50); do
    curl -fsS "http://$REGISTRY/v2/" >/dev/null 2>&1 && return
    kill -0 "$REGISTRY_PID" 2>/dev/null || break
    sleep 0.2
  done
  cat "$CACHE/registry/registry.log" >&2
  die "the registry did not start"
}

# ----------------------------------------------------------------------------------------- images
build_images() {
  local modules
  modules="$(echo "$SERVICES" | tr ' ' ',')"
  log "images: Jib build of $SERVICES onto tar://$BASE_TAR, pushed to $REGISTRY/$IMAGE_GROUP/*:$IMAGE_TAG"
  # Formatting and tests are the regular build's business; this proves the image build.
  (cd "$ROOT" && ./mvnw -B -q -pl "$modules" -am package -Dmaven.test.skip=true -Dspotless.check.skip=true \
    -Dquarkus.container-image.build=true \
    -Dquarkus.container-image.push=true \
    -Dquarkus.container-image.registry="$REGISTRY" \
    -Dquarkus.container-image.group="$IMAGE_GROUP" \
    -Dquarkus.container-image.tag="$IMAGE_TAG" \
    -Dquarkus.container-image.insecure=true \
    -Dquarkus.jib.base-jvm-image="tar://$BASE_TAR")
}

inspect_images() {
  log "images in $REGISTRY"
  local service
  for service in $SERVICES; do
    local ref="docker://$REGISTRY/$IMAGE_GROUP/$service:$IMAGE_TAG"
    skopeo inspect --tls-verify=false "$ref" |
      jq -r --arg s "$service" '"\($s): \(.Digest)  layers=\(.Layers | length)  created=\(.Created)"'
    skopeo inspect --tls-verify=false --config "$ref" |
      jq -c '{user: .config.User, workdir: .config.WorkingDir, entrypoint: .config.Entrypoint, cmd: .config.Cmd}'
  done
}

# -------------------------------------------------------------------------------------- run check
free_port() {
  local port=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}

check_image() {
  local service="$CHECK_SERVICE"
  [ "$service" = none ] && return
  local ref="docker://$REGISTRY/$IMAGE_GROUP/$service:$IMAGE_TAG"
  local oci="$CACHE/check-oci" bundle="$CACHE/check-bundle"
  log "check: unpacking $ref"
  safe_rm "$oci" "$bundle"
  skopeo copy --quiet --src-tls-verify=false "$ref" "oci:$oci:$service"
  umoci unpack --image "$oci:$service" "$bundle" >/dev/null
  local config
  config="$(skopeo inspect --tls-verify=false --config "$ref")"
  local workdir user
  workdir="$(jq -r '.config.WorkingDir // "/"' <<<"$config")"
  user="$(jq -r '.config.User // "185"' <<<"$config")"
  [[ "$user" == *:* ]] || user="$user:$user"
  local -a command env
  mapfile -t command < <(jq -r '(.config.Entrypoint // []) + (.config.Cmd // []) | .[]' <<<"$config")
  mapfile -t env < <(jq -r '.config.Env // [] | .[]' <<<"$config")
  [ ${#command[@]} -gt 0 ] || die "the image has no entrypoint"

  # Its own RabbitMQ virtual host, so the started worker never takes another run's tasks.
  curl -fsS -X PUT "$RABBITMQ_MANAGEMENT/api/vhosts/$CHECK_VHOST" >/dev/null
  curl -fsS -X PUT -H 'content-type: application/json' \
    -d '{"configure":".*","write":".*","read":".*"}' \
    "$RABBITMQ_MANAGEMENT/api/permissions/$CHECK_VHOST/$(sed -E 's#^[a-z]+://([^:]*):.*#\1#' <<<"$RABBITMQ_MANAGEMENT")" >/dev/null

  local http_port management_port
  http_port="$(free_port 28080)"
  management_port="$(free_port $((http_port + 1)))"
  env+=(
    "RABBITMQ_URL=${RABBITMQ_URL:-amqp://guest:guest@127.0.0.1:5672/$CHECK_VHOST}"
    "REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}"
    "QUARKUS_HTTP_PORT=$http_port"
    "QUARKUS_MANAGEMENT_PORT=$management_port"
    "JAVA_TOOL_OPTIONS=-Xmx256m"
  )
  case "$service" in
    api-gateway | orchestrator)
      env+=("POSTGRES_URL=${POSTGRES_URL:-postgresql://logic_graph:logic_graph@127.0.0.1:5432/logic_graph}") ;;
  esac
  log "check: starting ${command[*]} as $user in $workdir (read-only root, tmpfs /tmp), management port $management_port"
  # A private mount namespace: the root is bound read-only, /dev, /proc and /tmp mounted inside;
  # everything disappears with the process.
  unshare --mount --fork -- /bin/sh -c '
    root=$1; user=$2; workdir=$3; shift 3
    mount --bind "$root" "$root" && mount -o remount,bind,ro "$root"
    mount --rbind /dev "$root/dev"
    mount -t proc proc "$root/proc"
    mount -t tmpfs -o size=64m tmpfs "$root/tmp"
    exec chroot --userspec="$user" "$root" /usr/bin/env -i "$@"
  ' sh "$bundle/rootfs" "$user" "$workdir" "${env[@]}" \
    /bin/sh -c 'cd "$0" && exec "$@"' "$workdir" "${command[@]}" \
    >"$CACHE/check-$service.log" 2>&1 &
  CHECK_PID=$!

  local health="" code=""
  for _ in $(seq 1 120); do
    code="$(curl -s -o "$CACHE/check-health.json" -w '%{http_code}' "http://127.0.0.1:$management_port/health" || true)"
    [ "$code" = 200 ] && health="$(cat "$CACHE/check-health.json")" && break
    kill -0 "$CHECK_PID" 2>/dev/null || break
    sleep 0.5
  done
  if [ -z "$health" ]; then
    tail -40 "$CACHE/check-$service.log" >&2
    die "$service: /health did not answer 200 (last: ${code:-none}); log: $CACHE/check-$service.log"
  fi
  local ready
  ready="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$management_port/ready" || true)"
  log "check: $service image answers GET /health -> 200 $(tr -d '\n ' <<<"$health" | cut -c1-200); /ready -> $ready"
  stop_check
  curl -fsS -X DELETE "$RABBITMQ_MANAGEMENT/api/vhosts/$CHECK_VHOST" >/dev/null || true
  safe_rm "$oci" "$bundle"
}

install_tools
build_base_image
start_registry
build_images
inspect_images
check_image
log "done: images $REGISTRY/$IMAGE_GROUP/{$(echo "$SERVICES" | tr ' ' ',')}:$IMAGE_TAG"
