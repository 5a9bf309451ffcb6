#!/bin/bash
# The stand-in's entry point. The official image's entry point can also switch on connection, JMX
# and web console security from ACTIVEMQ_CONNECTION_USER, ACTIVEMQ_JMX_USER and ACTIVEMQ_WEB_USER by
# editing files in conf/. Ferry does not use that (its broker-config/ is mounted read-only and
# configures security itself), so the stand-in does not imitate it: it refuses those variables
# rather than ignore them, so nothing passes here that would behave differently on the real image.
set -euo pipefail
for variable in ACTIVEMQ_CONNECTION_USER ACTIVEMQ_JMX_USER ACTIVEMQ_WEB_USER; do
  if [ -n "${!variable:-}" ]; then
    echo "entrypoint.sh: $variable is set, but this stand-in for apache/activemq-classic does not implement it; configure security in conf/ (Ferry's broker-config/) instead" >&2
    exit 1
  fi
done
exec "$@"
