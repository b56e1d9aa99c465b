#!/usr/bin/env bash
# Why one JVM start of the index runs fast and the next slow: many short runs of
# `peershare index --threads 1` under bench/index-vs-echo.sh's load (64 sockets x 2 S in flight,
# 3 s warm-up, 3 s measured), each with one of several variants, taking turns, and per run what
# might decide the speed.
#
#   bench/index-modes.sh [RUNS_PER_VARIANT]
#
# VARIANTS (default "default noaot"): default = the launcher as it is; noaot = PEERSHARE_NO_AOT=1
# (no AOT cache: the AppCDS archive instead); thp = -XX:+UseTransparentHugePages; pin = the event
# loop's thread on CPU 0 and the load generator on CPU 1 (taskset, after start: a JVM started
# under taskset sees one CPU and picks other defaults); pinsame = both on CPU 0; echo = the C echo
# server (bench/c/echo.c) under the same load instead of the index; any other NAME runs the index
# with the JVM options in $OPTS_NAME. With PRINTCOMP=1 each run logs -XX:+PrintCompilation to
# bench/target/modes/RUN-VARIANT.comp.
#
# Columns: the load's rate and p99 and the server's CPU per reply (all its threads); that CPU per
# reply shared out by kind of thread (the event loop, C2, C1, GC, the rest) from their schedstat
# over 2 s inside the measured window; the event loop's CPU migrations, involuntary switches, its
# sleeps (voluntary switches) per 1,000 replies and the kernel's share of its CPU time; how often
# it sat on the load generator's CPU when sampled; the JVM's huge pages; the load average; the
# machine's idle and steal time in the window; and, measured just before the run by
# bench/c/memlat.c, how long one dependent load from a random cycle of MEMLAT_MB (64) takes (the
# machine's memory latency at that moment: the reply cache table and the registry live that far
# from the CPU; 4 MB probes the last-level cache instead). WARMUP (3) seconds of load come before
# the measured 3. Run it alone, under the quiet lock.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
RUNS=${1:-${RUNS:-10}}
VARIANTS=${VARIANTS:-"default noaot"}
out=bench/target/c
keep=bench/target/modes
mkdir -p "$out" "$keep"
for prog in echo loadgen memlat; do
  if [ ! -x "$out/$prog" ] || [ "bench/c/$prog.c" -nt "$out/$prog" ]; then
    gcc -O2 -Wall -Wextra -o "$out/$prog" "bench/c/$prog.c" -lpthread
  fi
done
./peershare --version >/dev/null # builds when needed
work=$(mktemp -d "${TMPDIR:-/tmp}/peershare-modes.XXXXXX")
server="" load=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; [ -n "$load" ] && kill "$load" 2>/dev/null; rm -rf "$work"' EXIT
port=$((20000 + RANDOM % 20000))

threads_cpu() { # PID: "kind on-CPU-ns" per kind of thread (schedstat)
  local t c k
  for t in /proc/"$1"/task/*; do
    c=$(cat "$t/comm" 2>/dev/null) || continue
    case $c in
      index-udp* | echo) k=loop ;;
      C2*) k=c2 ;;
      C1*) k=c1 ;;
      GC* | G1*) k=gc ;;
      *) k=other ;;
    esac
    echo "$k $(cut -d' ' -f1 "$t/schedstat" 2>/dev/null || echo 0)"
  done | awk '{ a[$1] += $2 } END { for (k in a) print k, a[k] }'
}
loop_tid() {
  for t in /proc/"$1"/task/*; do
    case "$(cat "$t/comm" 2>/dev/null)" in index-udp* | echo) basename "$t" && return ;; esac
  done
}
sched_field() { { sed -n "s/^$2 *: *//p" "/proc/$1/sched" 2>/dev/null || echo 0; } | head -1; }
user_sys() { { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null || echo; } | awk '{ print $12 + 0, $13 + 0 }'; }
last_cpu() { { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null || true; } | awk '{ print $37 }'; }

echo "machine: $(nproc) cores, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)," \
  "THP $(cat /sys/kernel/mm/transparent_hugepage/enabled)"
printf '%-4s %-8s %8s %6s %7s | %6s %6s %6s %6s %6s | %5s %5s %5s %6s %5s %6s %6s %5s %5s %6s\n' run variant rate \
  p99ms cpu/rep loop c2 c1 gc other migr invol same% sleeps sys% hugeMB load1 idle% steal% memns
n=0
for r in $(seq 1 "$RUNS"); do
  for v in $VARIANTS; do
    n=$((n + 1))
    env=() opts="" spin="" lspin=""
    case $v in
      default) ;;
      noaot) env=(PEERSHARE_NO_AOT=1) ;;
      thp) opts="-XX:+UseTransparentHugePages" ;;
      pin) spin=0 lspin="taskset -c 1" ;;
      pinsame) spin=0 lspin="taskset -c 0" ;;
      *) o="OPTS_$v" && opts=${!o:-} ;;
    esac
    if [ "${PRINTCOMP:-0}" = 1 ]; then
      opts="$opts -XX:+UnlockDiagnosticVMOptions -XX:+PrintCompilation -XX:+LogVMOutput -XX:LogFile=$keep/$n-$v.comp -XX:-DisplayVMOutput"
    fi
    wu=WARMUP_$v
    wu=${!wu:-${WARMUP:-3}} # a variant's own warm-up, e.g. WARMUP_long=10 VARIANTS="default long"
    mem=$("$out/memlat" "${MEMLAT_MB:-64}" 200 | sed 's/memlat_ns=//')
    mode=index
    if [ "$v" = echo ]; then
      # the C echo server, for what the machine gives at this moment (its one thread is the "loop")
      mode=echo
      "$out/echo" 127.0.0.1 "$port" 95 1 >"$work/index.out" 2>&1 &
      server=$!
      sleep 0.2
    else
      (exec env "${env[@]}" PEERSHARE_JAVA_OPTS="$opts" ./peershare index --bind 127.0.0.1 \
        --port "$port" --threads 1) >"$work/index.out" 2>&1 &
      server=$!
      for _ in $(seq 1 400); do
        grep -q listening "$work/index.out" && break
        sleep 0.05
      done
    fi
    # pinned: the event loop's thread only (a JVM started under taskset sees one CPU and picks
    # other defaults: the serial collector, fewer compiler threads)
    [ -z "$spin" ] || taskset -p -c "$spin" "$(loop_tid "$server")" >/dev/null
    $lspin "$out/loadgen" --target "127.0.0.1:$port" --mode "$mode" --sockets 64 --inflight 2 \
      --warmup "$wu" --seconds 3 --contents 1000 --providers 4 --max 4 --server-pid "$server" \
      >"$work/load" &
    load=$!
    sleep "$(awk -v w="$wu" 'BEGIN { print w + 0.5 }')"
    lt=$(loop_tid "$server")
    lg=$load
    a=$(threads_cpu "$server")
    m0=$(sched_field "$server/task/$lt" se.nr_migrations)
    i0=$(sched_field "$server/task/$lt" nr_involuntary_switches)
    v0=$(sched_field "$server/task/$lt" nr_voluntary_switches)
    us0=$(user_sys "$server/task/$lt")
    st0=$(head -1 /proc/stat)
    same=0 samples=0
    for _ in $(seq 1 20); do
      sleep 0.1
      c1=$(last_cpu "$server/task/$lt") c2=$(last_cpu "$lg")
      samples=$((samples + 1))
      [ "$c1" = "$c2" ] && same=$((same + 1))
    done
    b=$(threads_cpu "$server")
    m1=$(sched_field "$server/task/$lt" se.nr_migrations)
    i1=$(sched_field "$server/task/$lt" nr_involuntary_switches)
    v1=$(sched_field "$server/task/$lt" nr_voluntary_switches)
    us1=$(user_sys "$server/task/$lt")
    st1=$(head -1 /proc/stat)
    huge=$(awk '/AnonHugePages/ { print int($2 / 1024) }' "/proc/$server/smaps_rollup" 2>/dev/null || echo ?)
    wait "$load" || echo "run $n: the load generator failed: $(cat "$work/load")" >&2
    load=""
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=""
    port=$((port + 1))
    f() { tr ' ' '\n' <"$work/load" | sed -n "s/^$1=//p"; }
    rate=$(f rate) cpu=$(f server_cpu_us_per_reply) p99=$(f p99_us)
    [ -n "$rate" ] || continue
    # each kind's share of the JVM's CPU time in the 2 s sampled, times the CPU per reply
    per=$(join <(sort <<<"$a") <(sort <<<"$b") | awk -v c="$cpu" '
      { v[$1] = $3 - $2; all += $3 - $2 }
      END { for (k in v) v[k] = all > 0 ? v[k] / all * c : 0; printf "%6.2f %6.2f %6.2f %6.2f %6.2f", v["loop"], v["c2"], v["c1"], v["gc"], v["other"] }')
    # sleeps: the event loop's voluntary switches (it found nothing to read and waited) per
    # 1,000 replies; sys%: the kernel's share of its CPU time
    printf '%-4s %-8s %8.0f %6.2f %7s | %s | %5s %5s %5s %6s %5s %6s %6s %11s %6s\n' "$n" "$v" "$rate" \
      "$(awk -v p="$p99" 'BEGIN { print p / 1000 }')" "$cpu" "$per" "$((m1 - m0))" \
      "$((i1 - i0))" "$((100 * same / samples))" \
      "$(awk -v v="$((v1 - v0))" -v r="$rate" 'BEGIN { printf "%.1f", v / (2 * r) * 1000 }')" \
      "$(awk -v a="$us0" -v b="$us1" 'BEGIN { split(a, x, " "); split(b, y, " "); u = y[1] - x[1]; s = y[2] - x[2]; printf "%.0f", (u + s > 0 ? 100 * s / (u + s) : 0) }')" \
      "$huge" "$(cut -d' ' -f1 /proc/loadavg)" \
      "$(awk -v a="$st0" -v b="$st1" 'BEGIN { n = split(a, x, " "); split(b, y, " "); for (i = 2; i <= n; i++) t += y[i] - x[i]; printf "%.0f %.1f", 100 * (y[5] - x[5]) / t, 100 * (y[9] - x[9]) / t }')" "$mem"
  done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
