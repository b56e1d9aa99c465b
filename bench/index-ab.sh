#!/usr/bin/env bash
# Two builds of the index against the echo, taking turns in one run: for an A/B of a change whose
# effect is smaller than the machine's noise from one run to the next.
#
#   bench/index-ab.sh OTHER_CHECKOUT [ROUNDS]
#
# OTHER_CHECKOUT is another working tree of this repository (e.g. `git worktree add --detach
# DIR COMMIT`), built with its own `./peershare --version`. Each round runs
# `bench/index-vs-echo.sh 1` of this checkout ("this") and of the other ("other"), in turns
# this/other, other/this, ... (so neither always goes first), each with its own echo run just
# before its index run, and prints the per-round lines, then per build the ratios to the echo:
# each, median, and the median of the rates and of server CPU per reply. THREADS (default 1) and
# the rest of index-vs-echo.sh's environment pass through; PACED_SECONDS defaults to 1 here (the
# paced run is not what this compares). Run it under the quiet lock, alone.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
other=${1:?usage: bench/index-ab.sh OTHER_CHECKOUT [ROUNDS]}
other=$(cd "$other" && pwd)
ROUNDS=${2:-6}
export THREADS=${THREADS:-1}
export PACED_SECONDS=${PACED_SECONDS:-1}
[ -x "$other/bench/index-vs-echo.sh" ] || {
  echo "no bench/index-vs-echo.sh in $other" >&2
  exit 2
}
work=$(mktemp -d "${TMPDIR:-/tmp}/peershare-ab.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "this: $(git -C "$here" log -1 --format='%h %s' | cut -c1-80)"
echo "other: $(git -C "$other" log -1 --format='%h %s' | cut -c1-80)"
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg); THREADS=$THREADS, $ROUNDS rounds"
run() { # NAME DIR ROUND
  local line
  # the figures' lines of index-vs-echo.sh: round threads echo/s index/s ratio ... CPU per reply
  "$2/bench/index-vs-echo.sh" 1 >"$work/out" 2>&1 || {
    cat "$work/out" >&2
    exit 1
  }
  while read -r line; do
    echo "$1 $3 $(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /) $line" | tee -a "$work/lines"
  done < <(grep -E '^1 +[0-9]+ +[0-9]+ ' "$work/out" | sed 's/^1 *//')
}
printf '%-5s %-5s %-14s %s\n' build round 'load average' \
  'threads echo/s index/s ratio echo-p99 index-p99 p99-goal CPU/reply: echo index ratio'
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then
    run this "$here" "$r"
    run other "$other" "$r"
  else
    run other "$other" "$r"
    run this "$here" "$r"
  fi
done
for b in this other; do
  for t in $THREADS; do
    # fields: build round load threads echo index ratio ep99 us ip99 us goal us ecpu us icpu us ratio
    awk -v b="$b" -v t="$t" '$1 == b && $4 == t { n++; ratio[n] = $7; rate[n] = $6; cpu[n] = $16; list = list " " $7 }
      function median(a, n,   i, j, x) {
        for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j > 0 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
      }
      END { if (n) printf "%s, %s thread(s), %d rounds: ratios%s; median ratio %.2f, median index/s %d, median CPU per reply %.2f us\n", b, t, n, list, median(ratio, n), median(rate, n), median(cpu, n) }' \
      "$work/lines"
  done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
