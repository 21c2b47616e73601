#!/usr/bin/env bash
# Install (root on Debian/Ubuntu) the system packages discode's tests and demo need, then start what
# they need, if it is not already running:
#   - the Docker daemon (started here only when we are root and dockerd is installed)
#   - a plain local image registry (Debian's docker-registry) at $DISCODE_TEST_REGISTRY (default 127.0.0.1:5000)
# Idempotent: prints one line per service and exits 0 when all are up, 1 with a hint otherwise.
# Used by CI, by `npm test` (pretest) and by `npm run demo`.
set -euo pipefail

REGISTRY_ADDR="${DISCODE_TEST_REGISTRY:-127.0.0.1:5000}"
REGISTRY_DIR="${DISCODE_REGISTRY_DIR:-/tmp/discode-registry}"
REGISTRY_BIN="${DISCODE_REGISTRY_BIN:-/usr/bin/docker-registry}"
DOCKERD_LOG="${DISCODE_DOCKERD_LOG:-/tmp/discode-dockerd.log}"

fail() {
  echo "services: $1" >&2
  exit 1
}

# ---------------------------------------------------------------- system packages
# shellcheck source=scripts/packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/packages.sh"
ensure_packages "${DISCODE_PACKAGES[@]}" || exit 1

# ---------------------------------------------------------------- docker daemon
command -v docker >/dev/null 2>&1 || fail "docker CLI not found. Hint: apt-get install docker.io (or install Docker Engine)"

docker_up() { docker info >/dev/null 2>&1; }
# dockerd lives in /usr/sbin, which a non-login root shell (CI) may not have on PATH.
find_dockerd() {
  local candidate
  for candidate in "$(command -v dockerd || true)" /usr/sbin/dockerd /usr/bin/dockerd /usr/local/bin/dockerd; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      echo "$candidate"
      return
    fi
  done
}

if docker_up; then
  echo "docker: already running ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
elif [ "$(id -u)" = 0 ] && [ -n "$(find_dockerd)" ]; then
  DOCKERD="$(find_dockerd)"
  # setsid + nohup: the daemon must outlive this script (and the npm process that ran it).
  setsid nohup "$DOCKERD" >>"$DOCKERD_LOG" 2>&1 </dev/null &
  for _ in $(seq 1 60); do
    docker_up && break
    sleep 0.5
  done
  docker_up || fail "dockerd did not come up within 30 s. Hint: see $DOCKERD_LOG"
  echo "docker: started (log: $DOCKERD_LOG)"
else
  fail "docker daemon not reachable ('docker info' failed). Hint: start it (e.g. 'sudo systemctl start docker' or 'sudo dockerd &') and make sure your user may use it"
fi

# ---------------------------------------------------------------- registry
registry_up() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS --max-time 2 -o /dev/null "http://${REGISTRY_ADDR}/v2/" 2>/dev/null
    return
  fi
  # No curl: speak HTTP/1.0 over bash's /dev/tcp, in a subshell so a refused connection cannot end us.
  local host="${REGISTRY_ADDR%:*}" port="${REGISTRY_ADDR##*:}"
  [ -n "$host" ] || host=127.0.0.1
  (
    exec 3<>"/dev/tcp/${host}/${port}" || exit 1
    printf 'GET /v2/ HTTP/1.0\r\nHost: %s\r\n\r\n' "$REGISTRY_ADDR" >&3
    IFS= read -r -t 2 status <&3 || exit 1
    [[ "$status" =~ ^HTTP/[0-9.]+\ 200 ]]
  ) 2>/dev/null
}

if registry_up; then
  echo "registry: already running at ${REGISTRY_ADDR}"
  exit 0
fi

if [ ! -x "$REGISTRY_BIN" ]; then
  REGISTRY_BIN="$(command -v docker-registry || true)"
  [ -n "$REGISTRY_BIN" ] || fail "no registry at ${REGISTRY_ADDR} and docker-registry is not installed. Hint: apt-get install docker-registry"
fi

mkdir -p "$REGISTRY_DIR/data"
cat >"$REGISTRY_DIR/config.yml" <<EOF
# Written by discode's scripts/services.sh: a throwaway local registry for tests and the demo.
version: 0.1
log:
  level: info
  accesslog:
    disabled: true
  fields:
    service: discode-test-registry
storage:
  filesystem:
    rootdirectory: ${REGISTRY_DIR}/data
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: ${REGISTRY_ADDR}
  secret: discode-test-registry-not-a-secret
  headers:
    X-Content-Type-Options: [nosniff]
EOF

setsid nohup "$REGISTRY_BIN" serve "$REGISTRY_DIR/config.yml" >>"$REGISTRY_DIR/registry.log" 2>&1 </dev/null &
echo $! >"$REGISTRY_DIR/registry.pid"

for _ in $(seq 1 60); do
  registry_up && break
  if ! kill -0 "$(cat "$REGISTRY_DIR/registry.pid")" 2>/dev/null; then
    tail -n 5 "$REGISTRY_DIR/registry.log" >&2 || true
    fail "docker-registry exited at start (is ${REGISTRY_ADDR} taken by something else?). Hint: see $REGISTRY_DIR/registry.log"
  fi
  sleep 0.5
done
registry_up || fail "registry at ${REGISTRY_ADDR} did not answer within 30 s. Hint: see $REGISTRY_DIR/registry.log"
echo "registry: started at ${REGISTRY_ADDR} (data: $REGISTRY_DIR/data, log: $REGISTRY_DIR/registry.log)"
