#!/usr/bin/env bash
# Runs the whole Sluice stack on this machine: embedded PostgreSQL and Redis, two user-service
# instances, one gateway. Needs only a JDK 17+. Prints the gateway URL and a fresh admin API key;
# Ctrl-C stops everything. `./run-local.sh --no-build` skips the Maven build; `--help` lists the
# environment variables (ports, existing PostgreSQL/Redis via DB_HOST.../REDIS_URL).
set -euo pipefail
cd "$(dirname "$0")"

java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
case "${1:-}" in
  --no-build) shift ;;
  --help | -h) ;;
  *)
    echo "Building the jars (./mvnw -B -q -DskipTests package) ..."
    ./mvnw -B -q -DskipTests package
    ;;
esac
exec "$java" -jar local-stack/target/local-stack.jar "$@"
