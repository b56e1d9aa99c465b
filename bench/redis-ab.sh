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
# Before each turn, inside the lock (run Z in docs/benchmarks.md): a settle step waits (at most
# SETTLE seconds, default 10; 0: none) until Redis has no lazy free pending and the machine stood
# at least 90 % idle over the last second, then a probe prints what a fresh page and a load from
# memory cost right now (bench/c/touch.c, bench/c/memlat.c); the turn's line gives its steal and
# idle shares and each phase its machine line (RedisBench). At the end, the three-node R ratio of
# every turn, round by round for each jar, with their median (BENCH_ARGS="--pairs 2": also the
# median of each turn's adjacent in-memory/three-node pairs). SETTLE=0 and no gcc: as before.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/.mvn/jdk.sh"
[ $# -ge 1 ] || { echo "usage: bench/redis-ab.sh A.jar B.jar [...]" >&2; exit 2; }
dir=$(mktemp -d /tmp/peershare-redis-ab.XXXXXX)
trap '"$here/scripts/redis.sh" stop "$dir"; rm -rf "$dir"' EXIT
port=$(REDIS_OWNER_PID=$$ "$here/scripts/redis.sh" standalone "$dir" ${REDIS_PORT:-})
redis-server --version
cdir="$here/bench/target/c"
mkdir -p "$cdir"
for prog in touch memlat; do
  if [ ! -x "$cdir/$prog" ] || [ "$here/bench/c/$prog.c" -nt "$cdir/$prog" ]; then
    gcc -O2 -Wall -Wextra -o "$cdir/$prog" "$here/bench/c/$prog.c" || true
  fi
done
# settle (inside the lock): no lazy free pending in Redis, and a second of >= 90 % idle machine
settle() {
  local port=$1 limit=$2 waited=0 a b idle
  while [ "$waited" -lt "$limit" ]; do
    read -r -a a </proc/stat
    sleep 1
    read -r -a b </proc/stat
    idle=$(( (b[4] + b[5] - a[4] - a[5]) * 100 / ( (b[1]+b[2]+b[3]+b[4]+b[5]+b[6]+b[7]+b[8]) - (a[1]+a[2]+a[3]+a[4]+a[5]+a[6]+a[7]+a[8]) + 1) ))
    waited=$((waited + 1))
    if [ "$(redis-cli -p "$port" info memory | tr -d '\r' | sed -n 's/^lazyfree_pending_objects://p')" = 0 ] && [ "$idle" -ge 90 ]; then
      break
    fi
  done
  echo "settled in ${waited} s (machine idle ${idle:--} % in the last second)"
}
export -f settle
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
    flock -x "${QUIET_LOCK:-/tmp/peershare-quiet.lock}" bash -c '
      redis-cli -p "$4" flushall >/dev/null
      [ -z "$5" ] || redis-cli -p "$4" config set $5 >/dev/null
      [ "$6" -eq 0 ] || settle "$4" "$6"
      [ ! -x "$7/touch" ] || echo "probe: $("$7/touch" 64 3) $("$7/memlat" 64 200)"
      read -r -a a </proc/stat
      echo "turn $1 $2 ($3${5:+, $5}) start $(date -u +%H:%M:%S) load $(cut -d" " -f1-3 /proc/loadavg)"
      shift 7
      "$@"
      read -r -a b </proc/stat
      t=$(( (b[1]+b[2]+b[3]+b[4]+b[5]+b[6]+b[7]+b[8]) - (a[1]+a[2]+a[3]+a[4]+a[5]+a[6]+a[7]+a[8]) + 1 ))
      echo "end $(date -u +%H:%M:%S) load $(cut -d" " -f1-3 /proc/loadavg)" \
        "steal $(( (b[8] - a[8]) * 1000 / t / 10 )).$(( (b[8] - a[8]) * 1000 / t % 10 )) %" \
        "idle $(( (b[4] + b[5] - a[4] - a[5]) * 100 / t )) %"' sh \
      "$round" "$letter" "$jar" "$port" "${!config_var:-}" "${SETTLE:-10}" "$cdir" \
      "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx2g ${!opts_var:-} \
      -cp "$jar" io.peershare.bench.RedisBench --redis "redis://127.0.0.1:$port" \
      --registrations 0 --seconds "${SECONDS_PER_PHASE:-5}" ${BENCH_ARGS:-} ${!args_var:-} >"$out" 2>&1 || true
    grep -E '^(turn|end|settled|probe|pairs?|R:|S:)|x mem|thr ' "$out" | grep -v 'Redis commands' || true
    k=$((k + 1))
  done
done
# the three-node R ratio of each turn of one letter (the table's last line, and with --pairs the
# median of the turn's pairs), round by round, with their median
summary() {
  local letter=$1 jar=$2 what=$3 pattern=$4 v
  v=$(for round in $(seq 1 "${ROUNDS:-3}"); do
    f="$out_dir/turn-$round-$letter.txt"
    [ ! -f "$f" ] || grep -E "$pattern" "$f" | awk '{print $NF}'
  done)
  [ -n "$v" ] || return 0
  printf '  %s %s, %s: %s  (median %s of %d)\n' "$letter" "$jar" "$what" "$(echo $v)" \
    "$(sort -n <<<"$v" | awk '{a[NR] = $1} END {print NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}')" \
    "$(wc -l <<<"$v")"
}
out_dir=${RESULTS:-$dir}
echo "three nodes' R x mem, round by round (each letter's place in the round is its place in the list):"
k=0
for jar in "$@"; do
  summary "${letters[$k]}" "$jar" "table" '^redis, 3 nodes'
  summary "${letters[$k]}" "$jar" "pairs' medians" '^pairs: '
  k=$((k + 1))
done
