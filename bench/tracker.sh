#!/usr/bin/env bash
# BitTorrent tracker benchmark: announces per second of `peershare index --bittorrent-port`
# against opentracker (Debian's package), with the same C load generator (bench/c/tracker-load.c)
# in the same run, as a ratio. Run it under the shared lock:
#
#   flock /tmp/peershare-bench.lock bench/tracker.sh
#
# Env: ROUNDS (default 5) alternating rounds, SECONDS_PER_ROUND (3), SOURCES (64 source
# addresses 127.1.0.x), INFLIGHT (2 announces in flight per source), HASHES (1000 torrents),
# NUM_WANT (50), THREADS (the index's --threads, which the tracker uses too; default one per
# core). Both trackers listen on 127.0.0.1; the table gives medians with the range.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
ROUNDS=${ROUNDS:-5}
SECS=${SECONDS_PER_ROUND:-3}
SOURCES=${SOURCES:-64}
INFLIGHT=${INFLIGHT:-2}
HASHES=${HASHES:-1000}
NUM_WANT=${NUM_WANT:-50}
THREADS=${THREADS:-$(nproc)}

command -v opentracker >/dev/null || { echo "opentracker is not installed: run scripts/bittorrent-prereqs.sh as root" >&2; exit 1; }
./peershare --version >/dev/null   # builds when needed
mkdir -p bench/target
gcc -O2 -Wall -Wextra -o bench/target/tracker-load bench/c/tracker-load.c
load=bench/target/tracker-load

. bench/lib.sh
bench_work "${TMPDIR:-/tmp}/peershare-tracker-bench.XXXXXX"

free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ours=$(free_port)
theirs=$(free_port)

# peershare: the index with its tracker; `exec` so that $! is the java process itself
(exec ./peershare index --bind 127.0.0.1 --port 0 --bittorrent-port "$ours" --threads "$THREADS" >"$work/peershare.out" 2>"$work/peershare.err") &
pids+=($!)
# opentracker as Debian builds it takes only whitelisted torrents: list the generator's; it
# chroots into -d, so the whitelist is named relative to it
"$load" 127.0.0.1 0 -n "$HASHES" -H "$work/whitelist.txt"
(exec opentracker -i 127.0.0.1 -p "$theirs" -P "$theirs" -d "$work" -w whitelist.txt >"$work/opentracker.log" 2>&1) &
pids+=($!)
for _ in $(seq 1 300); do grep -q 'tracker listening' "$work/peershare.err" 2>/dev/null && break; sleep 0.1; done
grep -q 'tracker listening' "$work/peershare.err" || { echo "peershare did not start: $(cat "$work/peershare.err")" >&2; exit 1; }

echo "machine: $(nproc) cores, $(uname -sr); peershare on $("$(. .mvn/jdk.sh >/dev/null 2>&1; echo "${JAVA_HOME:-/usr}")/bin/java" -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "peershare: $(sed -n 's/.*transport: //p' "$work/peershare.err" | head -1)"
echo "load: $SOURCES sources x $INFLIGHT announces in flight, $HASHES torrents, num_want $NUM_WANT, ${SECS} s per round after 1 s warm-up"
run() { "$load" 127.0.0.1 "$1" -s "$SOURCES" -k "$INFLIGHT" -t "$SECS" -w 1 -n "$HASHES" -m "$NUM_WANT" -b "$2"; }
# the JVM compiles its hot code in the first seconds: one untimed round first
run "$ours" 1 >/dev/null
declare -a r_ours r_theirs p_ours p_theirs
for i in $(seq 1 "$ROUNDS"); do
  # each round from fresh source addresses, so neither tracker's per-address state carries over
  base=$(( 1 + (i % 3) * 70 ))
  a=$(run "$ours" "$base"); b=$(run "$theirs" "$base")
  r_ours+=("$(awk '{print $2}' <<<"$a")"); p_ours+=("$(awk '{print $6}' <<<"$a")")
  r_theirs+=("$(awk '{print $2}' <<<"$b")"); p_theirs+=("$(awk '{print $6}' <<<"$b")")
  printf 'round %d: peershare %s/s (p99 %s ms, %s errors), opentracker %s/s (p99 %s ms, %s errors)\n' \
    "$i" "${r_ours[-1]}" "${p_ours[-1]}" "$(awk '{print $10}' <<<"$a")" \
    "${r_theirs[-1]}" "${p_theirs[-1]}" "$(awk '{print $10}' <<<"$b")"
done
stats() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {printf "%s (%s-%s)", v[int((NR+1)/2)], v[1], v[NR]}'; }
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
mo=$(median "${r_ours[@]}"); mt=$(median "${r_theirs[@]}")
echo "peershare   announces/s $(stats "${r_ours[@]}")   p99 ms $(stats "${p_ours[@]}")"
echo "opentracker announces/s $(stats "${r_theirs[@]}")   p99 ms $(stats "${p_theirs[@]}")"
awk -v a="$mo" -v b="$mt" 'BEGIN {printf "ratio peershare / opentracker (medians): %.2f\n", a / b}'
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
