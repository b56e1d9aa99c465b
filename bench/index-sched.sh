#!/usr/bin/env bash
# Where the index's server threads spend the time under bench/index-vs-echo.sh's load, as the
# scheduler counts it: for each thread count in THREADS (default "1 2"), runs
# `peershare index --threads N` under the C load generator and, between 4 s and 6 s into the load,
# reads /proc/PID/task/TID/schedstat of each server thread (time on CPU, time runnable but waiting
# for a CPU, times scheduled in) and its context switches (voluntary: it slept; involuntary: it was
# preempted, or yielded to another thread) and prints them per second, beside the load's rate, p99 and the
# server's CPU per reply. On a machine whose cores the load generator shares, it tells a server
# thread waiting for a core from one waiting for a lock (which it spends parked, off the run queue).
#
#   flock -x /tmp/peershare-quiet.lock bench/index-sched.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
THREADS=${THREADS:-"1 2"}
out=bench/target/c
mkdir -p "$out"
if [ ! -x "$out/loadgen" ] || [ bench/c/loadgen.c -nt "$out/loadgen" ]; then
  gcc -O2 -Wall -Wextra -o "$out/loadgen" bench/c/loadgen.c -lpthread
fi
./peershare --version >/dev/null # builds when needed
work=$(mktemp -d "${TMPDIR:-/tmp}/peershare-sched.XXXXXX")
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
port=$((20000 + RANDOM % 20000))

snap() { # PID: "tid on-cpu-ns waiting-ns slices" per server thread
  for t in /proc/"$1"/task/*; do
    case "$(cat "$t/comm" 2>/dev/null)" in
      index-udp*) echo "$(basename "$t") $(cat "$t/schedstat")" \
        "$(awk '/^(non)?voluntary_ctxt_switches/ { printf "%s ", $2 }' "$t/status")" ;;
    esac
  done
}

echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
for n in $THREADS; do
  (exec ./peershare index --bind 127.0.0.1 --port "$port" --threads "$n") >"$work/index.out" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do
    grep -q listening "$work/index.out" && break
    sleep 0.1
  done
  "$out/loadgen" --target "127.0.0.1:$port" --mode index --sockets 64 --inflight 2 --warmup 3 \
    --seconds 3 --contents 1000 --providers 4 --max 4 --server-pid "$server" >"$work/load" &
  load=$!
  sleep 4
  a=$(snap "$server")
  t0=$(date +%s%N)
  sleep 2
  b=$(snap "$server")
  t1=$(date +%s%N)
  wait "$load"
  echo "threads $n: $(tr ' ' '\n' <"$work/load" | grep -E '^(rate|p99_us|server_cpu_us_per_reply)=' | tr '\n' ' ')"
  join <(sort <<<"$a") <(sort <<<"$b") | awk -v s="$(((t1 - t0) / 1000))" '{
    printf "  thread %s: on CPU %5.1f %%, waiting for a CPU %5.1f %%, scheduled in %6.0f/s, slept %6.0f/s, preempted or yielded %6.0f/s\n",
      $1, ($7 - $2) / s / 10, ($8 - $3) / s / 10, ($9 - $4) * 1e6 / s, ($10 - $5) * 1e6 / s, ($11 - $6) * 1e6 / s }'
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=""
  port=$((port + 1))
done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
