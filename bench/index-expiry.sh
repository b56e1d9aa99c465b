#!/usr/bin/env bash
# 1,000,000 leases ending at once, end to end: runs ExpiryStall (real UDP on loopback, an index
# over a registry of 1,000,000 registrations, 5 S per ms, the clock jumped past every lease) RUNS
# times, each in a fresh JVM, and prints each run's figures with the load average beside them.
# The client is bench/c/loadgen (--requests: one thread in a process of its own, timing every
# request), and in every run the same client sends the same stream to bench/c/echo.c, the C echo
# server, as the baseline for what the machine allows (before the index in even runs, after it in
# odd ones); a table at the end puts the two side by side, run by run: a tail the echo shows in
# the same run is the machine's. EXPIRY_CLIENT=java uses the client of earlier sessions instead (a
# sender and 4 reader threads in the index's JVM), without the echo.
#
#   bench/index-expiry.sh [RUNS] [OTHER_CHECKOUT]
#
# With OTHER_CHECKOUT (another working tree of this repository, built, e.g. `git worktree add
# --detach DIR COMMIT`), the two builds take turns (this/other, other/this, ...) and each line
# says which ran. Extra JVM options go in JAVA_OPTS (e.g. JAVA_OPTS=-XX:+UseZGC), ExpiryStall's
# arguments in EXPIRY_ARGS (e.g. --cold); those of one build only in OPTS_this/OPTS_other and
# ARGS_this/ARGS_other, and a command that starts one build's JVM in WRAP_this/WRAP_other. E.g.
# ARGS_this="--server-fifo 5": the index's serving threads at real-time priority (chrt), and the
# echo of that run too; ARGS_this="--server-nice -10": both at nice -10; with WRAP_this="chrt
# --fifo 1" every other thread of that JVM is real-time too (the JIT's and the GC's). Run it under
# the quiet lock (flock -x), alone: the figures it gives are tails of a few milliseconds.
#
# CLIENTS="fifo normal" runs every build twice per run: once with the client's thread at
# real-time priority (loadgen --fifo 10, as cyclictest runs its measuring thread; needs root or
# CAP_SYS_NICE), once at normal priority, each against the index and the echo alike (the servers
# keep their normal priority). On 2 cores shared by client, server and the server's JIT, a client
# of normal priority woken by a reply can wait a scheduler tick (4 ms) for a core before it reads
# it: that wait is the instrument's. Default: "normal" (the figures of earlier sessions).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/.mvn/jdk.sh" # JAVA_HOME: a JDK 21+, as the launcher picks it
RUNS=${1:-3}
other=${2:-}
builds=(this)
[ -z "$other" ] || builds=(this other)
read -r -a clients <<<"${CLIENTS:-normal}"
for c in "${clients[@]}"; do
  case $c in normal | fifo) ;; *) echo "CLIENTS: normal and/or fifo, not $c" >&2; exit 2 ;; esac
done
dir() { if [ "$1" = this ]; then echo "$here"; else (cd "$other" && pwd); fi; }
for b in "${builds[@]}"; do
  [ -f "$(dir "$b")/bench/target/benchmarks.jar" ] || {
    echo "no bench/target/benchmarks.jar in $(dir "$b"): build it first" >&2
    exit 2
  }
done
cbin=$here/bench/target/c
mkdir -p "$cbin"
for prog in echo loadgen; do
  if [ ! -x "$cbin/$prog" ] || [ "$here/bench/c/$prog.c" -nt "$cbin/$prog" ]; then
    gcc -O2 -Wall -Wextra -o "$cbin/$prog" "$here/bench/c/$prog.c" -lpthread
  fi
done
log=$(mktemp)
trap 'rm -f "$log"' EXIT
rows=()
for r in $(seq 1 "$RUNS"); do
  order=("${builds[@]}")
  [ $((r % 2)) = 1 ] || [ ${#builds[@]} = 1 ] || order=(other this)
  corder=("${clients[@]}")
  [ $((r % 2)) = 1 ] || [ ${#clients[@]} = 1 ] || corder=("${clients[1]}" "${clients[0]}")
  for b in "${order[@]}"; do
    for c in "${corder[@]}"; do
      client=()
      if [ "${EXPIRY_CLIENT:-c}" != java ]; then
        client=(--client "$cbin/loadgen" --echo "$cbin/echo")
        [ $((r % 2)) = 1 ] || client+=(--echo-first)
        [ "$c" = normal ] || client+=(--client-fifo 10)
      fi
      load=$(cut -d' ' -f1 /proc/loadavg)
      echo "== $b, client $c, run $r, load average $(cut -d' ' -f1-3 /proc/loadavg)"
      bopts=OPTS_$b
      bargs=ARGS_$b
      bwrap=WRAP_$b
      # shellcheck disable=SC2086
      ${!bwrap:-} "$JAVA_HOME/bin/java" -Xmx3g --enable-native-access=ALL-UNNAMED ${JAVA_OPTS:-} ${!bopts:-} \
        -cp "$(dir "$b")/bench/target/benchmarks.jar" io.peershare.bench.ExpiryStall "${client[@]}" \
        ${EXPIRY_ARGS:-} ${!bargs:-} 2>&1 |
        grep -v '^SLF4J' | tee "$log"
      # the index's and the echo's figures after the jump, for the table at the end
      num='\([0-9.]*\)'
      row=$(sed -n "s/^summary: index after the jump: max $num ms, p99.9 $num ms, p99 [0-9.]* ms, over 5 ms $num of .*server's part worst $num ms; until the reply was in the client's socket worst $num ms.*echo, same client, same windows, after: max $num ms, p99.9 $num ms, p99 [0-9.]* ms, over 5 ms $num of .*/\1 \2 \3 \6 \7 \8 \4 \5/p" "$log")
      [ -z "$row" ] || rows+=("$r $b $c $load $row")
    done
  done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ ${#rows[@]} -gt 0 ]; then
  # per run, side by side: the index's round trips after the jump and the echo server's with the
  # same client in the same windows; an index tail that the echo shows too is the machine's
  echo
  echo "after the jump, per run (ms; over 5 ms of 15,000; server: the server's part, worst;"
  echo "in socket: until the reply was in the client's socket, worst):"
  printf '%-4s %-6s %-6s %-5s | %-9s %-6s %-6s | %-8s %-6s %-6s | %-6s %-9s | %s\n' run build client load "index max" p99.9 "over 5" "echo max" p99.9 "over 5" server "in socket" "index max / echo max"
  for row in "${rows[@]}"; do
    # shellcheck disable=SC2086
    set -- $row
    printf '%-4s %-6s %-6s %-5s | %-9s %-6s %-6s | %-8s %-6s %-6s | %-6s %-9s | %.1f\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$9" "${10}" "${11}" "${12}" "$(awk -v a="$5" -v b="$8" 'BEGIN { print a / b }')"
  done
  for b in "${builds[@]}"; do
    for c in "${clients[@]}"; do
      printf '%s\n' "${rows[@]}" | awk -v b="$b" -v c="$c" '$2 == b && $3 == c { n++; ok += $5 <= 5; eok += $8 <= 5; both += $5 > 5 && $8 > 5; sok += $11 <= 5; iok += $12 <= 5 }
        END { if (n) printf "%s, client %s: index within 5 ms in %d of %d runs (server%s part in %d, in the client%s socket in %d), the echo in %d; both over 5 ms in %d\n", b, c, ok, n, "\047s", sok, "\047s", iok, eok, both }'
    done
  done
fi
