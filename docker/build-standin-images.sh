#!/usr/bin/env bash
# Builds, offline and from what is on this machine, stand-ins for the three images Ferry's
# Dockerfile and docker-compose.yml name, for machines that cannot pull from a registry (CI here):
#
#   eclipse-temurin:17-jre         a JRE (jlink of the local JDK) on a minimal Debian root file system
#   maven:3.9-eclipse-temurin-17   the local JDK and Maven on the same root file system
#   apache/activemq-classic:5.18.3 the official distribution tarball, laid out like the official image
#
# and, for the Debian package's test (tests/: DebianPackageTest), one that stands in for no image
# but is made the same way:
#
#   ferry-test/debian-java:bookworm Debian with its Java 17 runtime, adduser and systemd, from
#                                   deb.debian.org: the clean system the package is installed into
#
# The root file system (ferry-standin/debian:bookworm) is made by mmdebstrap from deb.debian.org;
# the ActiveMQ tarball comes from Maven Central through mvn. Nothing is pulled from a registry.
# An image that already exists is left alone (a real one pulled on a normal machine included), so a
# second run costs nothing; --rebuild builds them all again.
#
# Usage: docker/build-standin-images.sh [--rebuild]
# Environment: FERRY_STANDIN_JDK (default /usr/lib/jvm/java-17-openjdk-amd64),
#              FERRY_STANDIN_MAVEN (default /usr/share/maven),
#              FERRY_STANDIN_DEBIAN_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
standin="$root/docker/standin"

BASE_IMAGE=ferry-standin/debian:bookworm
JRE_IMAGE=eclipse-temurin:17-jre
MAVEN_IMAGE=maven:3.9-eclipse-temurin-17
ACTIVEMQ_IMAGE=apache/activemq-classic:5.18.3
ACTIVEMQ_VERSION=5.18.3
PACKAGE_TEST_IMAGE=ferry-test/debian-java:bookworm

jdk="${FERRY_STANDIN_JDK:-/usr/lib/jvm/java-17-openjdk-amd64}"
maven_home="${FERRY_STANDIN_MAVEN:-/usr/share/maven}"
mirror="${FERRY_STANDIN_DEBIAN_MIRROR:-http://deb.debian.org/debian}"

# The classic builder: it takes FROM images from the local store without asking a registry, and it
# is the one a Debian docker.io engine (20.10, no buildx) has.
export DOCKER_BUILDKIT=0

say() {
  echo "standin: $*"
}

fail() {
  echo "standin: $*" >&2
  exit 1
}

rebuild=false
case "${1:-}" in
  --rebuild) rebuild=true ;;
  "") ;;
  *) fail "usage: $0 [--rebuild]" ;;
esac

work="$(mktemp -d "${TMPDIR:-/tmp}/ferry-standin.XXXXXX")"
trap 'rm -rf "$work"' EXIT

exists() {
  docker image inspect "$1" >/dev/null 2>&1
}

# build IMAGE FUNCTION: runs FUNCTION unless IMAGE exists, and says what it did and how long it took.
build() {
  local image="$1" recipe="$2" started=$SECONDS
  if ! $rebuild && exists "$image"; then
    say "$image exists, not rebuilt"
    return
  fi
  say "building $image ..."
  "$recipe"
  say "built $image in $((SECONDS - started)) s"
}

# docker build, its output kept in a log that is shown only when it fails.
docker_build() {
  local image="$1" dockerfile="$2" context="$3" log="$work/build.log"
  cp "$standin/$dockerfile" "$context/Dockerfile"
  if ! docker build --no-cache -t "$image" "$context" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    fail "docker build of $image failed (see above)"
  fi
}

# Copies a directory with symbolic links replaced by what they point to (Debian's JDK and Maven link
# into /etc and /usr/share/java), leaving out links that point nowhere (the JDK's src.zip).
copy_dereferenced() {
  local from="$1" to="$2"
  mkdir -p "$to"
  (cd "$from" && find . -xtype l >"$work/dangling")
  tar -C "$from" --dereference --exclude-from="$work/dangling" -cf - . | tar -C "$to" -xf -
}

need_mmdebstrap() {
  if ! command -v mmdebstrap >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] || fail "mmdebstrap is missing; install it (apt-get install mmdebstrap) or run as root"
    say "installing mmdebstrap"
    { apt-get update -q && apt-get install -y -q mmdebstrap; } >"$work/apt.log" 2>&1 \
      || { tail -n 20 "$work/apt.log" >&2; fail "cannot install mmdebstrap"; }
  fi
}

base_image() {
  need_mmdebstrap
  # The essential packages (coreutils, bash, dash, grep, sed, tar, ...) and passwd for useradd,
  # libstdc++6 for the JVM, without apt: the images are filled by COPY, never by a package manager.
  if ! mmdebstrap --variant=essential --include=passwd,libstdc++6 --dpkgopt=force-unsafe-io \
      bookworm "$work/rootfs.tar" "$mirror" >"$work/mmdebstrap.log" 2>&1; then
    tail -n 20 "$work/mmdebstrap.log" >&2
    fail "mmdebstrap could not make a Debian bookworm root file system from $mirror"
  fi
  docker import --change 'CMD ["bash"]' "$work/rootfs.tar" "$BASE_IMAGE" >/dev/null
  rm -f "$work/rootfs.tar"
}

jre_image() {
  local context="$work/jre" modules
  mkdir -p "$context"
  # What a JRE has: every module but the development tools (and the incubator modules, which would
  # print a warning at every start).
  modules="$("$jdk/bin/java" --list-modules | sed 's/@.*//' \
    | grep -v -x -E 'java\.compiler|jdk\.(compiler|javadoc|jdeps|jlink|jshell|jartool|jpackage|jconsole|editpad|jstatd|hotspot\.agent|internal\.(ed|le|opt)|incubator\..*)' \
    | paste -sd, -)"
  "$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
    --output "$context/jre"
  docker_build "$JRE_IMAGE" eclipse-temurin-jre.Dockerfile "$context"
}

maven_image() {
  local context="$work/maven"
  copy_dereferenced "$jdk" "$context/jdk"
  copy_dereferenced "$maven_home" "$context/maven"
  docker_build "$MAVEN_IMAGE" maven.Dockerfile "$context"
}

activemq_image() {
  local context="$work/activemq"
  mkdir -p "$context"
  # From Maven Central like any other artifact (or from ~/.m2 when the tests already fetched it).
  if ! (cd "$root" && mvn -B -N dependency:copy \
      -Dartifact="org.apache.activemq:apache-activemq:$ACTIVEMQ_VERSION:tar.gz:bin" \
      -DoutputDirectory="$context" -Dmdep.stripVersion=true) >"$work/mvn.log" 2>&1; then
    tail -n 20 "$work/mvn.log" >&2
    fail "cannot fetch the ActiveMQ $ACTIVEMQ_VERSION distribution from Maven Central"
  fi
  mkdir "$context/apache-activemq"
  tar -C "$context/apache-activemq" --strip-components=1 -xzf "$context/apache-activemq-bin.tar.gz"
  rm "$context/apache-activemq-bin.tar.gz"
  cp "$standin/activemq-entrypoint.sh" "$context/"
  docker_build "$ACTIVEMQ_IMAGE" activemq-classic.Dockerfile "$context"
}

# A Debian root with what the package depends on (and systemd, to check its units), installed by
# apt as a user's machine would have them.
package_test_image() {
  need_mmdebstrap
  if ! mmdebstrap --variant=apt --include=default-jre-headless,adduser,systemd \
      --dpkgopt=force-unsafe-io bookworm "$work/package-test.tar" "$mirror" >"$work/mmdebstrap.log" 2>&1; then
    tail -n 20 "$work/mmdebstrap.log" >&2
    fail "mmdebstrap could not make a Debian bookworm root with Java from $mirror"
  fi
  docker import --change 'CMD ["bash"]' "$work/package-test.tar" "$PACKAGE_TEST_IMAGE" >/dev/null
  rm -f "$work/package-test.tar"
}

command -v docker >/dev/null 2>&1 || fail "docker is not installed"
docker info >/dev/null 2>&1 || fail "no Docker engine answers (docker info fails)"
[ -x "$jdk/bin/jlink" ] || fail "no JDK with jlink at $jdk (set FERRY_STANDIN_JDK)"
[ -x "$maven_home/bin/mvn" ] || fail "no Maven at $maven_home (set FERRY_STANDIN_MAVEN)"

started=$SECONDS
# The base only matters for images still to build; a machine with the real images needs none.
if $rebuild || ! exists "$JRE_IMAGE" || ! exists "$MAVEN_IMAGE"; then
  build "$BASE_IMAGE" base_image
fi
build "$JRE_IMAGE" jre_image
build "$MAVEN_IMAGE" maven_image
build "$ACTIVEMQ_IMAGE" activemq_image
build "$PACKAGE_TEST_IMAGE" package_test_image
say "done in $((SECONDS - started)) s: $JRE_IMAGE, $MAVEN_IMAGE, $ACTIVEMQ_IMAGE, $PACKAGE_TEST_IMAGE"
