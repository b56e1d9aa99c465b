#!/usr/bin/env bash
# The registry-in-Redis benchmark (bench/RedisBench): starts a Redis of its own with
# scripts/redis.sh, runs the benchmark under the shared benchmark lock, stops Redis.
#   bench/redis.sh [--seconds 5] [--registrations 1000000] [--load true|false] [--providers 4] [--warm-up-r 2]
# then the same load on a 3-master cluster (CLUSTER_LOAD=false to skip it) and a fill of
# CLUSTER_REGISTRATIONS (200,000; 0 skips the cluster).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/.mvn/jdk.sh"
cd "$here"
[ -f bench/target/benchmarks.jar ] || ./mvnw -q -Dmaven.test.skip=true -Djacoco.skip=true \
  -Dspotless.check.skip=true -pl bench -am package
dir=$(mktemp -d /tmp/peershare-redis-bench.XXXXXX)
trap 'scripts/redis.sh stop "$dir"; rm -rf "$dir"' EXIT
port=$(REDIS_OWNER_PID=$$ scripts/redis.sh standalone "$dir")
redis-server --version
flock /tmp/peershare-bench.lock \
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx2g -cp bench/target/benchmarks.jar io.peershare.bench.RedisBench \
  --redis "redis://127.0.0.1:$port" "$@"

# The same on a 3-master Redis Cluster: S and R of 1 and 3 nodes (beside a new in-memory run),
# then how the keys and memory spread over the masters.
if [ "${CLUSTER_REGISTRATIONS:-200000}" -gt 0 ]; then
  cdir="$dir/cluster"
  ports=$(REDIS_OWNER_PID=$$ scripts/redis.sh cluster "$cdir")
  seeds=$(for p in $ports; do printf '127.0.0.1:%s,' "$p"; done)
  flock /tmp/peershare-bench.lock \
    "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx2g -cp bench/target/benchmarks.jar io.peershare.bench.RedisBench \
    --redis "redis-cluster://${seeds%,}" --load "${CLUSTER_LOAD:-true}" \
    --registrations "${CLUSTER_REGISTRATIONS:-200000}" \
    $(printf '%s\n' "$@" | grep -A1 -x -- --seconds | tr '\n' ' ')
  echo "keys and memory per master:"
  for p in $ports; do
    printf '  127.0.0.1:%s  %8s keys  %s\n' "$p" "$(redis-cli -p "$p" dbsize)" \
      "$(redis-cli -p "$p" info memory | grep '^used_memory_human' | tr -d '\r')"
  done
fi
