#!/usr/bin/env bash
# What ran instead of the client or the server while a round trip of bench/index-expiry.sh took
# over 5 ms: one ExpiryStall run (the index, then the C echo server with the same client) under a
# system-wide scheduler trace (`perf record -e sched:sched_switch,sched:sched_wakeup -a`, on
# CLOCK_MONOTONIC, the clock of System.nanoTime and of bench/c/loadgen), with the JIT's
# compilations and the GC's pauses logged on the same clock. For each burst of round trips over
# 5 ms (before and after the jump) it prints, per CPU, the threads that ran in the burst's window
# (JVM threads by name: "C2 CompilerThre", "GC Thread#0", "VM Thread", the server's
# "index-udp-1-1"; [tid/pid]) and how long, the server thread's and the client's scheduler events,
# and the compilations and GC/safepoint events that fell in it.
#
#   bench/index-expiry-trace.sh [OUT_DIR]
#
# Needs perf with tracepoints (root, or kernel.perf_event_paranoid <= -1). Build the benchmarks
# first (bench/index-expiry.sh says how); extra JVM options go in JAVA_OPTS. Run it under the
# quiet lock (flock -x), alone. SLOW_MS=N looks at round trips over N ms instead of 5;
# EXPIRY_ARGS=--client-fifo 10 runs the client at real-time priority (bench/index-expiry.sh).
# SAMPLE_US=N also samples every CPU every N us of its time (perf's cpu-clock, with call stacks)
# and prints, per burst, where the threads of the index's JVM were (JVM functions by name, JIT
# code as "jit"). OUT_DIR (default: a new temporary directory) keeps the run's
# output, the trace as text, the JIT and GC logs.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$(mktemp -d)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
data=$(mktemp /dev/shm/expiry-trace.XXXXXX)
trap 'rm -f "$data"' EXIT
sample=()
# SAMPLE_US=N: also sample what runs on each CPU every N us of its time, with call stacks
[ -z "${SAMPLE_US:-}" ] || sample=(-e "cpu-clock/period=$((SAMPLE_US * 1000)),call-graph=fp/")
JAVA_OPTS="-Dexpiry.slow=true -Dexpiry.slowMs=${SLOW_MS:-5} -Xlog:gc*,safepoint:file=$out/gc.log:timenanos,tid \
-Xlog:jit+compilation=debug:file=$out/jit.log:timenanos,tid ${JAVA_OPTS:-}" \
  perf record -q -k CLOCK_MONOTONIC -m 64M -a \
  -e sched:sched_switch,sched:sched_wakeup,sched:sched_wakeup_new ${sample[@]+"${sample[@]}"} -o "$data" -- \
  "$here/bench/index-expiry.sh" 1 >"$out/run.txt" 2>&1
# with samples in the data, perf script prints them too unless told not to (-F sw: with no fields);
# without, it refuses that option
perf script --ns -i "$data" -F trace:comm,pid,tid,cpu,time,event,trace ${SAMPLE_US:+-F sw:} 2>/dev/null >"$out/sched.txt"
[ -z "${SAMPLE_US:-}" ] ||
  perf script --ns -i "$data" -F sw:comm,pid,tid,cpu,time,ip,sym,dso -F trace: 2>/dev/null >"$out/samples.txt"
grep -v '^slow ' "$out/run.txt" | grep -E '^(==|summary|registry emptied)' || true
python3 - "$out" <<'EOF'
import collections, re, sys
d = sys.argv[1]
run = open(f"{d}/run.txt").read()
slow = [(m.group(1), int(m.group(2)), *map(int, m.group(3, 4, 5, 6)))
        for m in re.finditer(r"slow (\w+) (\d+) sent=(\d+) sentAfter=(\d+) inSocket=(\d+) read=(\d+)", run)]
jump = int(re.search(r"jump at (\d+)", run).group(1))
line_re = re.compile(r"^\s*(.+?)\s+(\d+)/(\d+)\s+\[(\d+)\]\s+(\d+)\.(\d+):\s+sched:(\w+):\s+(.*)$")
switch_re = re.compile(r"prev_comm=(.*) prev_pid=(\d+) .*prev_state=(\S+) ==> next_comm=(.*) next_pid=(\d+)")
segments = collections.defaultdict(list)  # cpu -> (start, end, tid, name, state when it left)
running, pid_of, events = {}, {}, []
for line in open(f"{d}/sched.txt"):
    m = line_re.match(line)
    if not m:
        continue
    cpu, t = int(m.group(4)), int(m.group(5)) * 1_000_000_000 + int(m.group(6))
    pid_of[int(m.group(3))] = int(m.group(2))
    if m.group(7) == "sched_switch":
        s = switch_re.search(m.group(8))
        if cpu in running:
            start, tid, name = running[cpu]
            segments[cpu].append((start, t, tid, name, s.group(3)))
        running[cpu] = (t, int(s.group(5)), s.group(4))
    if "index-udp" in line or "loadgen" in line:
        events.append((t, cpu, m.group(1).strip()[:15], m.group(7), m.group(8)))
def timed_log(name):
    rows = []
    for l in open(f"{d}/{name}"):
        m = re.match(r"\[(\d+)ns\]\[(\d+)\]\s*(.*)", l)
        if m:
            rows.append((int(m.group(1)), m.group(3).strip()))
    return rows
jit, gc = timed_log("jit.log"), timed_log("gc.log")
me = int(re.search(r"jump at \d+ pid (\d+)", run).group(1))
samples = []  # (time, cpu, tid, pid, comm, the innermost named frames)
try:
    head_re = re.compile(r"^\s*(.+?)\s+(\d+)/(\d+)\s+\[(\d+)\]\s+(\d+)\.(\d+):\s*$")
    cur = None
    for line in open(f"{d}/samples.txt"):
        m = head_re.match(line)
        if m:
            cur = [int(m.group(5)) * 1_000_000_000 + int(m.group(6)), int(m.group(4)),
                   int(m.group(3)), int(m.group(2)), m.group(1).strip(), []]
            samples.append(cur)
        elif cur is not None and line.strip():
            f = line.split(None, 1)[1].rsplit(" (", 1)
            name = f[0] if f[0] != "[unknown]" else ("jit" if "perf-" in f[-1] else "?")
            if len(cur[5]) < 4 and (not cur[5] or cur[5][-1] != name):
                cur[5].append(name)
except FileNotFoundError:
    pass
def who(tid, name):
    p = pid_of.get(tid)
    return f"{name}[{tid}{'' if p in (None, tid) else '/' + str(p)}]"
bursts = []
for s in sorted(slow, key=lambda r: r[3]):
    if bursts and bursts[-1][0][0] == s[0] and s[3] - bursts[-1][-1][3] < 2_000_000:
        bursts[-1].append(s)
    else:
        bursts.append([s])
print(f"{len(slow)} round trips over the threshold in {len(bursts)} bursts")
for b in bursts:
    w0, w1 = min(r[3] for r in b), max(r[5] for r in b)
    r = b[0]
    print(f"\n=== {r[0]}: {len(b)} over the threshold from request {r[1]}, sent {(r[2] - jump) / 1e6:+.1f} ms"
          f" from the jump; round trip {(r[5] - r[2]) / 1e6:.2f} ms = until the reply was in the"
          f" client's socket {(r[4] - r[2]) / 1e6:.2f} + unread {(r[5] - r[4]) / 1e6:.2f};"
          f" window (send returned .. last read) {(w1 - w0) / 1e6:.2f} ms")
    for cpu in sorted(segments):
        total = collections.Counter()
        for start, end, tid, name, _ in segments[cpu]:
            if end > w0 and start < w1:
                total[who(tid, name)] += min(end, w1) - max(start, w0)
        print(f"  cpu{cpu}: " + ", ".join(f"{k} {v / 1e6:.2f}" for k, v in total.most_common(6)))
    if r[0] == "index":
        for t, cpu, cur, ev, rest in events:
            if w0 - 500_000 <= t <= w1:
                print(f"    {(t - w0) / 1e6:7.3f} cpu{cpu} {cur:>15} {ev} {rest[:110]}")
    if samples:
        # what the threads of this JVM were doing in the window, sampled (innermost frames first)
        where = collections.Counter()
        for t, cpu, tid, pid, comm, frames in samples:
            if pid == me and w0 <= t <= w1:
                where[f"{comm}[{tid}] cpu{cpu}: " + " < ".join(frames)] += 1
        for k, v in where.most_common(8):
            print(f"    sampled {v:4d}x {k[:160]}")
    for t, text in jit:
        if w0 - 2_000_000 <= t <= w1:
            print(f"    jit {(t - w0) / 1e6:7.3f} {text[:110]}")
    for t, text in gc:
        if w0 <= t <= w1:
            print(f"    gc  {(t - w0) / 1e6:7.3f} {text[:110]}")
EOF
echo "output, trace and logs in $out"
