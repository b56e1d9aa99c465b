#!/usr/bin/env bash
# The index against what the machine allows: one command, prints rates, ratios and p99s.
#
#   bench/index-vs-echo.sh [ROUNDS]
#
# Builds the C baseline (bench/c/echo.c: recvmmsg/sendmmsg, one SO_REUSEPORT socket per thread,
# replies as long as the index's P) and the C load generator (bench/c/loadgen.c: SOCKETS sockets
# on as many source addresses in 127.1.0.0/16, INFLIGHT locate requests in flight on each, valid
# cookies, WARMUP seconds, then MEASURE seconds counted, p99), then for each round and each
# server thread count (THREADS, default "1 2") runs the echo server and then the real
# `peershare index --threads N` under the same load, one after the other. Last, a paced run:
# PACED requests a second (default 20,000) for PACED_SECONDS against the index, answered %.
# With METRICS=1, each round also runs the index with --metrics (its counters and histogram on
# the request path) beside the index without, after it in odd rounds and before it in even ones,
# and prints both rates and CPU per reply, and at the end, per thread count, the ratios (with /
# without) over all rounds: geometric mean and range.
#
# With VARIANTS, each round runs the index once per variant after the same echo run, in an order
# that rotates from round to round, each with the JVM options in $OPTS_NAME (none if unset), and
# prints per thread count and variant the median ratio and range: settings' A/B beside the same
# baseline, e.g. `VARIANTS="off default" OPTS_off=-Dpeershare.udp.spinMicros=0`.
# Environment: ROUNDS (or $1, default 3), THREADS, SOCKETS (64), INFLIGHT (2), WARMUP (3),
# MEASURE (3), CONTENTS (1000), PROVIDERS (4: each S asks for 4 and gets 4), PACED (20000),
# PACED_SECONDS (10); the paced line also gives the server's CPU time over its counted seconds,
# in cores. Run it alone: `flock -x /tmp/peershare-quiet.lock bench/index-vs-echo.sh`.
# Besides the rates, each line gives the server's CPU time per reply (user + system, all its
# threads, read from /proc over the measured window) and echo's / index's: on a machine other
# work shares, that ratio moves much less than the ratio of rates.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
ROUNDS=${1:-${ROUNDS:-3}}
THREADS=${THREADS:-"1 2"}
SOCKETS=${SOCKETS:-64}
INFLIGHT=${INFLIGHT:-2}
WARMUP=${WARMUP:-3}
MEASURE=${MEASURE:-3}
CONTENTS=${CONTENTS:-1000}
PROVIDERS=${PROVIDERS:-4}
PACED=${PACED:-20000}
PACED_SECONDS=${PACED_SECONDS:-10}
METRICS=${METRICS:-0}
VARIANTS=${VARIANTS:-}

out=bench/target/c
mkdir -p "$out"
for prog in echo loadgen; do
  if [ ! -x "$out/$prog" ] || [ "bench/c/$prog.c" -nt "$out/$prog" ]; then
    gcc -O2 -Wall -Wextra -o "$out/$prog" "bench/c/$prog.c" -lpthread
  fi
done
./peershare --version >/dev/null # builds when needed

work=$(mktemp -d "${TMPDIR:-/tmp}/peershare-udp-bench.XXXXXX")
server=""
stop_server() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=""
  fi
}
trap 'stop_server; rm -rf "$work"' EXIT

# the P reply to an S for PROVIDERS providers named p000, p001...: header 6, size 8, digest 32,
# count 1, then per provider str (1 + 4), family 1, IPv4 4, port 2
reply_bytes=$((47 + PROVIDERS * 12))
port=$((20000 + RANDOM % 20000))
load() { # MODE [extra loadgen options]
  local mode=$1
  shift
  "$out/loadgen" --target "127.0.0.1:$port" --mode "$mode" --sockets "$SOCKETS" \
    --inflight "$INFLIGHT" --warmup "$WARMUP" --seconds "$MEASURE" --contents "$CONTENTS" \
    --providers "$PROVIDERS" --max "$PROVIDERS" --server-pid "$server" "$@"
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
start_echo() {
  "$out/echo" 127.0.0.1 "$port" "$reply_bytes" "$1" >"$work/echo.out" 2>&1 &
  server=$!
}
start_index() { # THREADS [more index options]
  local threads=$1
  shift
  # exec: $! is the JVM itself, so stop_server reaches it
  (exec env PEERSHARE_JAVA_OPTS="${variant_opts:-${PEERSHARE_JAVA_OPTS:-}}" ./peershare index --bind 127.0.0.1 --port "$port" --threads "$threads" "$@") \
    >"$work/index.out" 2>"$work/index.err" &
  server=$!
  for _ in $(seq 1 100); do
    grep -q 'listening' "$work/index.out" "$work/index.err" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "the index did not start: $(cat "$work/index.err")" >&2
  exit 1
}

with_metrics() { # THREADS: the load's figures against the index with --metrics
  start_index "$1" --metrics 127.0.0.1:0
  load index
  stop_server
}

. .mvn/jdk.sh
echo "machine: $(nproc) cores, $(uname -sr), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "load: $SOCKETS sockets x $INFLIGHT in flight, S for $PROVIDERS of $PROVIDERS providers" \
  "($reply_bytes-byte replies), warm-up ${WARMUP} s, measured ${MEASURE} s; $ROUNDS rounds"
printf '%-5s %-7s %9s %9s %6s %10s %10s %10s   %s\n' round threads echo/s index/s ratio \
  'echo p99' 'index p99' 'p99 goal' 'server CPU per reply: echo, index, ratio'
for round in $(seq 1 "$ROUNDS"); do
  for t in $THREADS; do
    start_echo "$t"
    e=$(load echo)
    stop_server
    m=""
    if [ "$METRICS" = 1 ] && [ $((round % 2)) = 0 ]; then
      m=$(with_metrics "$t") # even rounds: the index with --metrics first
    fi
    vs=("")
    [ -z "$VARIANTS" ] || read -r -a vs <<<"$VARIANTS"
    for ((k = 0; k < ${#vs[@]}; k++)); do
      v=${vs[$(((k + round - 1) % ${#vs[@]}))]}
      o="OPTS_${v:-none}"
      variant_opts=${!o:-}
      start_index "$t"
      i=$(load index)
      grep -i 'transport' "$work/index.out" "$work/index.err" 2>/dev/null | head -1 >"$work/transport" || true
      stop_server
      variant_opts=""
      er=$(field rate "$e") ir=$(field rate "$i") ep=$(field p99_us "$e") ip=$(field p99_us "$i")
      ec=$(field server_cpu_us_per_reply "$e") ic=$(field server_cpu_us_per_reply "$i")
      printf '%-5s %-7s %9s %9s %6s %7s us %7s us %7s us   %5s us %5s us %5s%s\n' "$round" "$t" \
        "$er" "$ir" "$(awk -v a="$ir" -v b="$er" 'BEGIN{printf "%.2f", a/b}')" "$ep" "$ip" \
        "$((2 * ep + 1000))" "$ec" "$ic" "$(awk -v a="$ic" -v b="$ec" 'BEGIN{printf "%.2f", b/a}')" \
        "$( [ "$(field lost "$i")$(field errors "$i")$(field bad "$i")" = 000 ] || echo "  (index: $i)")${v:+  $v}"
      [ -z "$v" ] || echo "$t $v $(awk -v a="$ir" -v b="$er" 'BEGIN{printf "%.3f", a/b}') $ip $((2 * ep + 1000)) $ic $ec $(cut -d' ' -f1 /proc/loadavg)" >>"$work/variants"
    done
    if [ "$METRICS" = 1 ]; then
      [ -n "$m" ] || m=$(with_metrics "$t")
      mr=$(field rate "$m") mc=$(field server_cpu_us_per_reply "$m")
      echo "$t $mr $ir $mc $ic" >>"$work/metrics-ratios"
      printf '%-5s %-7s with --metrics: %9s/s = %s of without; server CPU per reply %5s us = %s of without%s\n' \
        "$round" "$t" "$mr" "$(awk -v a="$mr" -v b="$ir" 'BEGIN{printf "%.3f", a/b}')" "$mc" \
        "$(awk -v a="$mc" -v b="$ic" 'BEGIN{printf "%.3f", a/b}')" \
        "$( [ "$(field lost "$m")$(field errors "$m")$(field bad "$m")" = 000 ] || echo "  (index: $m)")"
    fi
  done
done
[ ! -f "$work/transport" ] || sed 's/^[^:]*://' "$work/transport" | sed 's/^/index: /'
if [ -n "$VARIANTS" ] && [ -f "$work/variants" ]; then
  for t in $THREADS; do
    for v in $VARIANTS; do
      # fields: threads variant ratio index-p99 goal index-cpu echo-cpu load
      sort -n -k3 "$work/variants" | awk -v t="$t" -v v="$v" '$1 == t && $2 == v {
          n++; r[n] = $3; list = list " " $3; if ($4 <= $5) ok++; cpu = cpu " " $6
        }
        END { if (n) printf "%s thread(s), %-10s ratio median %.2f (%.2f-%.2f; sorted:%s), p99 within goal in %d of %d, index CPU/reply:%s us\n", t, v, n % 2 ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2, r[1], r[n], list, ok, n, cpu }'
    done
  done
fi
if [ "$METRICS" = 1 ]; then
  for t in $THREADS; do
    awk -v t="$t" '$1 == t {
        r = $2 / $3; c = $4 / $5; n++; lr += log(r); lc += log(c)
        if (n == 1 || r < rmin) rmin = r; if (n == 1 || r > rmax) rmax = r
        if (n == 1 || c < cmin) cmin = c; if (n == 1 || c > cmax) cmax = c
      }
      END { if (n) printf "with --metrics, %s thread(s), %d rounds: rate %.3f of without (%.3f-%.3f), server CPU per reply %.3f (%.3f-%.3f), geometric means (range)\n", t, n, exp(lr / n), rmin, rmax, exp(lc / n), cmin, cmax }' \
      "$work/metrics-ratios"
  done
fi

start_index "${THREADS##* }"
p=$(load index --rate "$PACED" --seconds "$PACED_SECONDS")
stop_server
echo "paced $PACED S/s for $PACED_SECONDS s, ${THREADS##* } thread(s): $(field answered "$p") of" \
  "$(field sent "$p") answered correctly = $(field answered_pct "$p") %," \
  "p99 $(field p99_us "$p") us, errors $(field errors "$p"), wrong $(field bad "$p"), server CPU" \
  "$(field server_cores "$p") cores"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
