#!/usr/bin/env bash
# How long a command takes to fail when no index answers, whole process, beside its baselines.
#
#   bench/unreachable.sh [ROUNDS]          (default 7 rounds; SILENT=1 adds the silent index)
#
# Each round runs, in turn:
#   java -version                  the JVM starting and stopping: the floor for any Java command
#   peershare --version            our own start-up, through the launcher
#   list, nothing listens          `peershare list --index 127.0.0.1:PORT` with no socket on PORT:
#                                  the kernel answers the first datagram with ICMP port unreachable
#   list, silent (SILENT=1)        the same against a bound UDP socket that never answers: the
#                                  spec's whole retry schedule (7.75 s), once, not per round
# and prints medians with their range, and the ratios of the medians to `java -version`.
# PEERSHARE=/path/to/peershare measures another checkout's launcher (an older build, say).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
ROUNDS=${1:-7}
peershare=${PEERSHARE:-$here/peershare}

"$peershare" --version >/dev/null   # builds when needed
. .mvn/jdk.sh

# a UDP port on 127.0.0.1 with nothing on it: 39999 unless something has it
port=39999
while ss -Hlun "sport = :$port" 2>/dev/null | grep -q .; do port=$((port + 1)); done

now() { date +%s%N; }
secs() { awk -v n="$1" 'BEGIN{ printf "%.3f", n / 1e9 }'; }
# one timed run of "$@" (its output dropped; its exit code ignored: failing is the point)
timed() { local t0; t0=$(now); "$@" >/dev/null 2>&1 || true; secs $(($(now) - t0)); }
summary() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END{ m = NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2; printf "%.3f (%.3f-%.3f)", m, v[1], v[NR] }'; }
median() { summary "$@" | cut -d' ' -f1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b>0) printf "%.2f", a/b; else print "-" }'; }

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
echo "launcher: $peershare; nothing listens on udp 127.0.0.1:$port"
echo "what 'list' says: $("$peershare" list --index "127.0.0.1:$port" 2>&1 | tail -1)"

jv=() pv=() nl=()
for _ in $(seq "$ROUNDS"); do
  jv+=("$(timed "$JAVA_HOME/bin/java" -version)")
  pv+=("$(timed "$peershare" --version)")
  nl+=("$(timed "$peershare" list --index "127.0.0.1:$port")")
done

printf '%-34s %s s\n' "java -version" "$(summary "${jv[@]}")"
printf '%-34s %s s\n' "peershare --version" "$(summary "${pv[@]}")"
printf '%-34s %s s\n' "list, nothing listens" "$(summary "${nl[@]}")"
base=$(median "${jv[@]}")
echo "ratio to java -version: peershare --version $(ratio "$(median "${pv[@]}")" "$base"), list (nothing listens) $(ratio "$(median "${nl[@]}")" "$base")"

if [ -n "${SILENT:-}" ]; then
  # a socket that takes datagrams and never answers, for as long as the run needs
  exec 3< <(python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True); time.sleep(120)')
  sleeper=$!
  trap 'kill "$sleeper" 2>/dev/null || true' EXIT
  read -r silent <&3
  t=$(timed "$peershare" list --index "127.0.0.1:$silent")
  printf '%-34s %s s (ratio to java -version %s)\n' "list, silent index (1 run)" "$t" "$(ratio "$t" "$base")"
fi
