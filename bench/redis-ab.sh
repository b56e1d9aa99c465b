#!/usr/bin/env bash
# Builds side by side on one Redis: `RedisBench --registrations 0` from each jar in turn, ROUNDS
# rounds (default 3), each turn under the exclusive quiet lock (held only while it measures), with
# the load average before and after; prints each turn's S and R lines (CPU per reply, Redis's
# share of a core, the machine's idle share) and its table of rates as ratios to the in-memory
# node of the same turn.
#   bench/redis-ab.sh A.jar B.jar [more.jar...]   (jars built with `-pl bench -am package`)
#   ROUNDS=4 SECONDS_PER_PHASE=5 BENCH_ARGS="--window 96" JAVA_OPTS_B="-Dx=y" ...
#   (BENCH_ARGS: more RedisBench options for every turn; JAVA_OPTS_<letter> and BENCH_ARGS_<letter>
#   per jar, A, B, C...; one jar given twice with BENCH_ARGS_A="--warm-up-r 0" A/Bs an option;
#   REDIS_CONFIG_<letter>="hash-max-listpack-entries 128": CONFIG SET before that jar's turns, so one
#   jar given twice A/Bs a Redis setting: give the other letter the default value, as the one Redis
#   keeps what the last turn set)
# Each turn's whole output goes to RESULTS/turn-ROUND-LETTER.txt (RESULTS: a temporary folder);
# QUIET_LOCK names the lock file (default /tmp/peershare-quiet.lock); REDIS_PORT the Redis port (default a free one).
# The Redis (scripts/redis.sh) is started once outside the lock and flushed by each turn.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/.mvn/jdk.sh"
[ $# -ge 1 ] || { echo "usage: bench/redis-ab.sh A.jar B.jar [...]" >&2; exit 2; }
dir=$(mktemp -d /tmp/peershare-redis-ab.XXXXXX)
trap '"$here/scripts/redis.sh" stop "$dir"; rm -rf "$dir"' EXIT
port=$(REDIS_OWNER_PID=$$ "$here/scripts/redis.sh" standalone "$dir" ${REDIS_PORT:-})
redis-server --version
letters=(A B C D E F)
for round in $(seq 1 "${ROUNDS:-3}"); do
  k=0
  for jar in "$@"; do
    letter=${letters[$k]}
    opts_var="JAVA_OPTS_$letter"
    args_var="BENCH_ARGS_$letter"
    config_var="REDIS_CONFIG_$letter"
    out="${RESULTS:-$dir}/turn-$round-$letter.txt"
    # shellcheck disable=SC2086
    # the last turn's keys are flushed first, with no timeout (RedisBench's own FLUSHALL has the
    # store's 400 ms command timeout, which a few hundred thousand keys can pass)
    flock -x "${QUIET_LOCK:-/tmp/peershare-quiet.lock}" sh -c '
      redis-cli -p "$4" flushall >/dev/null
      [ -z "$5" ] || redis-cli -p "$4" config set $5 >/dev/null
      echo "turn $1 $2 ($3${5:+, $5}) start $(date -u +%H:%M:%S) load $(cut -d" " -f1-3 /proc/loadavg)"
      shift 5
      "$@"
      echo "end $(date -u +%H:%M:%S) load $(cut -d" " -f1-3 /proc/loadavg)"' sh \
      "$round" "$letter" "$jar" "$port" "${!config_var:-}" \
      "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx2g ${!opts_var:-} \
      -cp "$jar" io.peershare.bench.RedisBench --redis "redis://127.0.0.1:$port" \
      --registrations 0 --seconds "${SECONDS_PER_PHASE:-5}" ${BENCH_ARGS:-} ${!args_var:-} >"$out" 2>&1 || true
    grep -E '^(turn|end|R:|S:)|x mem|thr ' "$out" | grep -v 'Redis commands' || true
    k=$((k + 1))
  done
done
