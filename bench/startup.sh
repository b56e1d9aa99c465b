#!/usr/bin/env bash
# Start-up and exit as a user sees them: whole processes through the launcher, beside the JVM alone.
#
#   bench/startup.sh [ROUNDS]            (default 9 rounds)
#
# Starts an index and one provider of a 1-byte content on 127.0.0.1 (real processes), then runs,
# in turn in each round:
#   java -version           the same JDK as the launcher's, alone: the floor of any Java command
#   peershare --version     the launcher, the JVM with its start-up cache, picocli
#   peershare list          one exchange with the index
#   peershare get           a 1-byte content from the loopback provider, verified, to a new folder
#   peershare peer          until its prompt shows on a terminal (a pseudo-terminal, so the shell
#                           uses JLine as it does for a person), then Q
# and prints each one's median with its range and the ratio of the medians to `java -version`,
# beside the goal. Alternating rounds, so a load that comes and goes touches every command alike;
# the machine is shared, so only ratios within one run mean much.
# PEERSHARE=/path/to/peershare measures another checkout's launcher (an older build, say);
# COMPARE=/path/to/other/peershare adds that launcher's --version, list, get and prompt to every
# round, so a change is measured against the code without it in the same run (rows "other").
# BENCH_PORT=N puts the index on that UDP port (the first free one from N) instead of a random one.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
ROUNDS=${1:-9}
peershare=${PEERSHARE:-$here/peershare}
other=${COMPARE:-}

"$peershare" --version >/dev/null # builds, and makes the start-up cache, when needed
[ -z "$other" ] || "$other" --version >/dev/null
. .mvn/jdk.sh
java="$JAVA_HOME/bin/java"

. bench/lib.sh
bench_work "${TMPDIR:-/tmp}/peershare-startup.XXXXXX"

port=${BENCH_PORT:-$((20000 + RANDOM % 20000))}
while ss -Hlun "sport = :$port" 2>/dev/null | grep -q .; do port=$((port + 1)); done
index=127.0.0.1:$port
(exec "$peershare" index --bind 127.0.0.1 --port "$port" >"$work/index.log" 2>&1) &
pids+=($!)
mkdir -p "$work/p1" "$work/shell"
printf x >"$work/p1/tiny"
touch -d '1 minute ago' "$work/p1/tiny"
for _ in $(seq 1 100); do grep -q listening "$work/index.log" 2>/dev/null && break; sleep 0.1; done
(exec "$peershare" share "$work/p1/tiny" --name bench-p1 --index "$index" >"$work/p1.out" 2>"$work/p1.err") &
pids+=($!)
for _ in $(seq 1 300); do grep -q '^registered' "$work/p1.out" 2>/dev/null && break; sleep 0.1; done
grep -q '^registered' "$work/p1.out" || { echo "the provider did not start: $(cat "$work/p1.err")" >&2; exit 1; }

# seconds since the epoch, with microseconds, from the shell itself (no fork to time a fork)
now() { printf '%s' "${EPOCHREALTIME/,/.}"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN{ printf "%.3f", b - a }'; }
# timed CMD...: runs it, output dropped; prints seconds; fails the benchmark if CMD fails
timed() {
  local t0 t1
  t0=$(now)
  "$@" >/dev/null 2>"$work/last.err" || { echo "failed: $* ($(tail -1 "$work/last.err"))" >&2; exit 1; }
  t1=$(now)
  elapsed "$t0" "$t1"
}
n=0
timed_get() { # [LAUNCHER]
  n=$((n + 1))
  mkdir -p "$work/get$n"
  timed "${1:-$peershare}" get tiny --index "$index" --dir "$work/get$n"
  cmp -s "$work/get$n/tiny" "$work/p1/tiny" || { echo "get produced a different file" >&2; exit 1; }
}
# the shell on a pseudo-terminal: seconds from start until the prompt shows; then Q. Its terminal
# type: the caller's, or xterm-256color where there is none (a benchmark run with no terminal)
case ${TERM:-dumb} in dumb) bench_term=xterm-256color ;; *) bench_term=$TERM ;; esac
prompt() { # [LAUNCHER]
  BENCH_TERM=$bench_term python3 - "${1:-$peershare}" "$index" "$work/shell" <<'PY'
import fcntl, os, pty, select, signal, struct, sys, termios, time
launcher, index, folder = sys.argv[1:4]
t0 = time.monotonic()
pid, fd = pty.fork()
if pid == 0:
    # a terminal of 24 x 100, as a person's would be (JLine lays out the prompt by its width),
    # of the type the header names
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    os.environ["TERM"] = os.environ["BENCH_TERM"]
    os.execv(launcher, [launcher, "peer", "--name", "bench-shell", "--index", index, "--dir", folder])
seen, shown, bye = b"", None, False
deadline = t0 + 60
while time.monotonic() < deadline and not bye:
    r, _, _ = select.select([fd], [], [], 0.5)
    if not r:
        continue
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
    if shown is None and b"bench-shell> " in seen:
        shown = time.monotonic() - t0
        os.write(fd, b"Q\r")
        deadline = time.monotonic() + 10
    bye = shown is not None and b"Bye." in seen
if not bye:
    os.kill(pid, signal.SIGKILL)
os.waitpid(pid, 0)
if shown is None:
    sys.exit("no prompt: " + seen.decode(errors="replace")[-200:])
print(f"{shown:.3f}")
PY
}

summary() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END{ m = NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2; printf "%.3f (%.3f-%.3f)", m, v[1], v[NR] }'; }
median() { summary "$@" | cut -d' ' -f1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b>0) printf "%.2f", a/b; else print "-" }'; }

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $("$java" -version 2>&1 | head -1)"
echo "launcher: $peershare${other:+ (other: $other)}; index and provider on $index; $ROUNDS alternating rounds; shell on TERM=$bench_term"
timed_get >/dev/null # one run before the rounds: the provider's first transfer warms it up
jv=() pv=() ls=() gt=() pr=() opv=() ols=() ogt=() opr=()
for r in $(seq "$ROUNDS"); do
  jv+=("$(timed "$java" -version)")
  pv+=("$(timed "$peershare" --version)")
  ls+=("$(timed "$peershare" list --index "$index")")
  gt+=("$(timed_get)")
  pr+=("$(prompt)")
  printf '  round %d: java -version %s, --version %s, list %s, get %s, peer prompt %s\n' \
    "$r" "${jv[-1]}" "${pv[-1]}" "${ls[-1]}" "${gt[-1]}" "${pr[-1]}"
  if [ -n "$other" ]; then
    opv+=("$(timed "$other" --version)")
    ols+=("$(timed "$other" list --index "$index")")
    ogt+=("$(timed_get "$other")")
    opr+=("$(prompt "$other")")
    printf '  round %d, other: --version %s, list %s, get %s, peer prompt %s\n' \
      "$r" "${opv[-1]}" "${ols[-1]}" "${ogt[-1]}" "${opr[-1]}"
  fi
done
base=$(median "${jv[@]}")
echo
echo "whole process, seconds: median (range) of $ROUNDS rounds; ratio of the medians to java -version"
printf '%-38s %-26s %7s %6s\n' "command" "seconds" "ratio" "goal"
row() { printf '%-38s %-26s %7s %6s\n' "$1" "$(summary "${@:3}")" "$(ratio "$(median "${@:3}")" "$base")" "$2"; }
row "java -version (same JDK)" "" "${jv[@]}"
row "peershare --version" "2.5" "${pv[@]}"
row "peershare list" "3" "${ls[@]}"
row "peershare get, 1-byte content" "3" "${gt[@]}"
row "peershare peer, until the prompt" "3" "${pr[@]}"
if [ -n "$other" ]; then
  row "other: peershare --version" "" "${opv[@]}"
  row "other: peershare list" "" "${ols[@]}"
  row "other: peershare get, 1-byte content" "" "${ogt[@]}"
  row "other: peershare peer, until the prompt" "" "${opr[@]}"
fi
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
