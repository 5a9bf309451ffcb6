#!/usr/bin/env bash
# Makes the Docker tests (tests/: BrokerContainerTest, ComposeDeploymentTest) runnable in CI:
#
#  1. a Docker engine: if none answers, installs Debian's docker.io and starts dockerd (needs root);
#  2. a Compose: the plugin (docker compose) or else Debian's docker-compose;
#  3. the images, offline: docker/build-standin-images.sh, then the ferry image (ferry:local).
#
# It never fails the build itself. If the engine cannot start, it says why in one line and the
# Docker tests skip. Once an engine answers it prints `export FERRY_REQUIRE_DOCKER=1`, its only
# output on stdout, which makes those tests fail rather than skip if they cannot use it:
#
#   eval "$(docker/ci-setup.sh)"
#
# Everything else it says goes to stderr.
set -uo pipefail

# stdout is for the export line alone; everything the script and its tools say goes to stderr.
exec 3>&1 1>&2

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
logs="${TMPDIR:-/tmp}/ferry-ci-docker"
mkdir -p "$logs"
started=$SECONDS

say() {
  echo "ci-setup: $*"
}

engine_answers() {
  docker info >/dev/null 2>&1
}

compose_installed() {
  docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null 2>&1
}

# apt-get install, after one apt-get update; on failure the last line apt said is in $apt_error.
apt_updated=false
apt_error=""
apt_install() {
  local log="$logs/apt.log" started=$SECONDS
  say "installing $* ..."
  if ! $apt_updated; then
    if ! apt-get update -q >"$log" 2>&1; then
      apt_error="$(grep -v '^\s*$' "$log" | tail -n 1)"
      return 1
    fi
    apt_updated=true
  fi
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >"$log" 2>&1; then
    apt_error="$(grep -v '^\s*$' "$log" | tail -n 1)"
    return 1
  fi
  say "installed $* in $((SECONDS - started)) s"
}

# Installs and starts an engine; on failure prints why (one line) and returns 1.
start_engine() {
  if [ "$(id -u)" != 0 ]; then
    say "no Docker engine answers and this is not root, so none can be started: the Docker tests will be skipped"
    return 1
  fi
  if ! command -v dockerd >/dev/null 2>&1; then
    # All in one go (one dpkg run): the engine, a Compose, and what builds the stand-in images.
    local packages=(docker.io)
    compose_installed || packages+=(docker-compose)
    command -v mmdebstrap >/dev/null 2>&1 || packages+=(mmdebstrap)
    if ! apt_install "${packages[@]}"; then
      say "cannot install docker.io ($apt_error): the Docker tests will be skipped"
      return 1
    fi
  fi
  say "starting dockerd (log: $logs/dockerd.log) ..."
  # Detached from this script's output: `eval "$(...)"` waits until every holder of stdout is gone.
  setsid dockerd >"$logs/dockerd.log" 2>&1 </dev/null 3>&- &
  local dockerd=$! deadline=$((SECONDS + 60)) outcome
  until engine_answers; do
    if ! kill -0 "$dockerd" 2>/dev/null; then
      outcome="dockerd exited"
    elif [ $SECONDS -ge $deadline ]; then
      outcome="dockerd did not answer within 60 s"
      kill "$dockerd" 2>/dev/null
    else
      sleep 1
      continue
    fi
    say "$outcome (its log's last line: $(grep -v '^\s*$' "$logs/dockerd.log" | tail -n 1 || true)): the Docker tests will be skipped"
    return 1
  done
}

if engine_answers; then
  say "a Docker engine answers: $(docker version --format '{{.Server.Version}}' 2>/dev/null)"
elif ! start_engine; then
  exit 0
else
  say "dockerd $(docker version --format '{{.Server.Version}}' 2>/dev/null) is up"
fi
echo "export FERRY_REQUIRE_DOCKER=1" >&3

if docker compose version >/dev/null 2>&1; then
  say "compose: $(docker compose version 2>/dev/null | head -n 1)"
elif command -v docker-compose >/dev/null 2>&1; then
  say "compose: docker-compose $(docker-compose version --short 2>/dev/null)"
elif [ "$(id -u)" != 0 ]; then
  say "no Compose (plugin or docker-compose), and this is not root: ComposeDeploymentTest will fail"
else
  apt_install docker-compose || say "cannot install docker-compose ($apt_error): ComposeDeploymentTest will fail"
fi

"$root/docker/build-standin-images.sh" || say "the stand-in images could not be built (see above): the Docker tests will fail"

image_started=$SECONDS
say "building the ferry image ferry:local ..."
if DOCKER_BUILDKIT=0 docker build -t ferry:local "$root" >"$logs/ferry-image.log" 2>&1; then
  say "built ferry:local in $((SECONDS - image_started)) s"
else
  tail -n 30 "$logs/ferry-image.log"
  say "the ferry image could not be built (log: $logs/ferry-image.log): ComposeDeploymentTest will fail"
fi
say "done in $((SECONDS - started)) s"
