#!/usr/bin/env bash
# Loopback transfer benchmark: one command, prints MB/s and ratios.
#
#   bench/transfer.sh [SIZE_MB] [CAPPED_SIZE_MB] [RATE]
#
# SIZE_MB (default 1024): the file for the uncapped runs; CAPPED_SIZE_MB (default 120)
# for the rate-capped runs; RATE (default 20MB): the providers' --upload-limit there.
# Starts an index and three providers (real `peershare` processes) on 127.0.0.1 and
# measures, side by side in one run:
#   raw      a plain loopback socket copy (sendfile → 1 MiB reads → file), no protocol, no hashing
#   curl     curl from a sendfile HTTP server (nginx), when nginx is installed
#   1 source / 3 sources           `peershare get --sources 1|3`, two figures each: whole process
#                                  (size / seconds from Enter to exit, launcher and JVM included:
#                                  what a user sees) and transfer phase (from the manifest to the
#                                  verified file, as curl's own speed_download counts from its
#                                  connect); curl's whole-process figure likewise times the curl
#                                  process
#   --fsync / curl then fsync      the same, durable: flushed to the disk before done
# curl and peershare take turns in ROUNDS rounds (default 6, env ROUNDS=n) and the table gives
# medians, with the range: single runs on a shared virtual machine vary by up to 2x. The order of
# curl, 1 source and 3 sources within a round goes through all six orders in six rounds (then
# again), and the two durable runs swap places every round: on this VM a run's speed depends on
# which run came just before it (the page cache handed back to the host; the run right after curl
# was the slower one in both orders of an A/B), so a fixed order would favour or handicap one kind.
# Each round's line gives its order; the load average is printed at the start and the end.
#   AB_OPTS="JVM options"          an A/B in the same run: every round also runs 1 source and 3
#                                  sources with PEERSHARE_JAVA_OPTS=AB_OPTS (rows "B"), each right
#                                  beside its A run, A first in rounds 1-6 and B first in rounds
#                                  7-12 (default 12 rounds then), so either comes right after curl
#                                  equally often
#   capped 1 / capped 3            the same with every provider capped at RATE
#   resume                          a download SIGKILLed half way, then run again
#   start-up                        `peershare get` of a 1-byte content, whole process
# and, for curl, 1 source and 3 sources, the seconds each whole process spends outside its
# transfer phase (launcher, JVM start-up, index, manifest, exit; for curl: connect and exit), and
# the CPU seconds of each run on both sides: the client's process (bash's `time`) and the
# server's, providers or nginx's worker (from /proc/PID/stat): on two shared cores the CPU a
# download needs per byte bounds its speed, and varies less with the load than the wall clock
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
SIZE_MB=${1:-1024}
CAPPED_MB=${2:-120}
RATE=${3:-20MB}

./peershare --version >/dev/null   # builds when needed
. .mvn/jdk.sh
if [ ! -f bench/target/benchmarks.jar ] || [ -n "$(find bench/src -newer bench/target/benchmarks.jar -print -quit)" ]; then
  ./mvnw -q -B -pl bench -am package -Dmaven.test.skip=true -Dspotless.check.skip=true -Djacoco.skip=true
fi

# BENCH_DIR=/dev/shm measures the software alone, with no disk in the way
. bench/lib.sh
bench_work "${BENCH_DIR:-${TMPDIR:-/tmp}}/peershare-bench.XXXXXX"

port=$(( 20000 + RANDOM % 20000 ))
index=127.0.0.1:$port
ps() { "$here/peershare" "$@"; }
# in the background, `exec` so that $! is the java process itself and cleanup reaches it
bg() { exec "$here/peershare" "$@"; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
echo "file: $SIZE_MB MiB random; capped runs: $CAPPED_MB MiB at $RATE per provider"

mkdir -p "$work/src"
head -c "${SIZE_MB}M" /dev/urandom > "$work/src/big.bin"
head -c "${CAPPED_MB}M" /dev/urandom > "$work/src/capped.bin"
printf x > "$work/src/tiny"
# files a minute old, as shared files usually are: a provider trusts its zero-copy path only
# for a file whose change time is not within moments of when it was hashed
touch -d '1 minute ago' "$work/src/big.bin" "$work/src/capped.bin" "$work/src/tiny"
# each provider its own copy (a hard link would change the inode's change time under a
# running provider, which rightly reads that as "the file changed"), made now: a provider
# sends zero-copy only once the file's change time is a few seconds older than its hash
for name in p1 p2 p3; do mkdir -p "$work/$name"; cp -p "$work/src/big.bin" "$work/$name/"; done
for name in c1 c2 c3; do mkdir -p "$work/$name"; cp -p "$work/src/capped.bin" "$work/$name/"; done
mkdir -p "$work/t1" && cp -p "$work/src/tiny" "$work/t1/"
sync   # write-back of these copies must not run during the measurements


# start a provider: share NAME FILE [extra options]; waits until it has registered
share() {
  local name=$1 file=$2; shift 2
  bg share "$work/$name/$(basename "$file")" --name "$name" --index "$index" "$@" >"$work/$name.out" 2>"$work/$name.err" &
  pids+=($!)
  eval "pid_$name=$!"
  for _ in $(seq 1 300); do grep -q '^registered' "$work/$name.out" 2>/dev/null && return 0; sleep 0.1; done
  echo "provider $name did not start: $(cat "$work/$name.err")" >&2; exit 1
}
stop() { local v="pid_$1"; kill "${!v}"; wait "${!v}" 2>/dev/null || true; }

# seconds since the epoch, with microseconds, from the shell itself (no fork to time a fork)
now() { printf '%s' "${EPOCHREALTIME/,/.}"; }
# MB/s of SIZE bytes over the seconds from T0 to T1
mbps() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN{ printf "%.1f", n / 1e6 / (b - a) }'; }

# seconds outside the transfer phase: SIZE bytes, T0 to T1 in all, at RATE MB/s while transferring
outside() { awk -v n="$1" -v a="$2" -v b="$3" -v r="$4" 'BEGIN{ printf "%.3f", (b - a) - (r > 0 ? n / 1e6 / r : 0) }'; }

# CPU seconds (user + system) the processes PID... have used so far; their threads included
ticks=$(getconf CLK_TCK)
cpu_of() {
  local sum=0 p f a
  for p in "$@"; do
    [ -r "/proc/$p/stat" ] || continue
    read -r f <"/proc/$p/stat"
    read -ra a <<<"${f##*) }"   # from the state field on: utime and stime are the 12th and 13th
    sum=$(( sum + a[11] + a[12] ))
  done
  awk -v t="$sum" -v hz="$ticks" 'BEGIN{ printf "%.2f", t / hz }'
}
servers=()   # the providers (or nginx's worker) whose CPU a run counts
# cpu_columns USER SYS SERVER_BEFORE SERVER_AFTER: "CPU SERVERCPU", the client's CPU seconds (user +
# system) and the server's meanwhile
cpu_columns() { awk -v u="$1" -v k="$2" -v a="$3" -v b="$4" 'BEGIN{ printf "%.2f %.2f", u + k, b - a }'; }
# seconds of CPU the command's own process tree uses (bash's `time` counts every process it reaps)
TIMEFORMAT='%U %S'

# get CONTENT SOURCES [extra]: prints "WHOLE TRANSFER OUTSIDE CPU SERVERCPU": MB/s of the whole
# process, timed from outside, and of the transfer phase from --stats, then the seconds of the whole
# process spent outside the transfer phase (launcher, JVM start-up, index, manifest, exit), the CPU
# seconds the downloader used (launcher and JVM, user + system) and those the providers used meanwhile
get() {
  local content=$1 sources=$2; shift 2
  local dir t0 t1 transfer s0 s1 u k; dir=$(mktemp -d "$work/get.XXXX")
  warm
  sync   # start each run with no write-back of the previous one pending
  s0=$(cpu_of "${servers[@]}")
  t0=$(now)
  { time ps get "$content" --index "$index" --dir "$dir" --sources "$sources" --stats "$@" 2>"$dir.err" >/dev/null; } \
    2>"$dir.cpu" || { echo "get failed: $(cat "$dir.err")" >&2; exit 1; }
  t1=$(now)
  s1=$(cpu_of "${servers[@]}")
  cmp -s "$dir/$content" "$work/src/$content" || { echo "get produced a different file" >&2; exit 1; }
  if grep -q 'transfer_mb_s=' "$dir.err"; then
    transfer=$(sed -n 's/.*transfer_mb_s=\([0-9.]*\).*/\1/p' "$dir.err")
  else
    transfer=$(sed -n 's/.* rate_mb_s=\([0-9.]*\).*/\1/p' "$dir.err")
  fi
  read -r u k <"$dir.cpu"
  local size; size=$(stat -c %s "$dir/$content")
  echo "$(mbps "$size" "$t0" "$t1") $transfer $(outside "$size" "$t0" "$t1" "$transfer")" \
    "$(cpu_columns "$u" "$k" "$s0" "$s1")"
  rm -rf "$dir" "$dir.err" "$dir.cpu"
}
whole() { local a; read -r a _ <<<"$1"; echo "$a"; }
phase() { local _a b; read -r _a b _ <<<"$1"; echo "$b"; }
overhead() { local _a _b c; read -r _a _b c <<<"$1"; echo "$c"; }
own_cpu() { local _a _b _c d; read -r _a _b _c d _ <<<"$1"; echo "$d"; }
server_cpu() { local _a _b _c _d e; read -r _a _b _c _d e <<<"$1"; echo "$e"; }

# every run reads the served files from the page cache: warm puts them all back there before each
# run. Reading them once at the start is not enough on a VM whose kernel pages out file pages it
# sees idle for a minute (DAMON's `pageout` scheme): a provider's copy that sat out a few runs
# was then partly read from the disk during the next one (0.1-0.46 GB per 1 GiB `get`, measured
# from the providers' /proc/PID/io), on the disk the download writes to, and more often with three
# copies in use than with one (docs/benchmarks.md, "Transfers", thirteenth look)
warm() { cat "$work"/p[123]/big.bin "$work"/c[123]/capped.bin "$work/src/big.bin" > /dev/null; }
warm
sync
rawcopy() { "$JAVA_HOME/bin/java" -cp bench/target/benchmarks.jar io.peershare.bench.RawCopy "$work/src/big.bin" "$work/raw.bin" | sed -n 's/.*raw_mb_s=\([0-9.]*\).*/\1/p'; }
raw1=$(rawcopy); sync; raw2=$(rawcopy)
raw=$(awk -v a="$raw1" -v b="$raw2" 'BEGIN{ print (a > b ? a : b) }')
rm -f "$work/raw.bin"

# the side-by-side reference: curl from nginx with sendfile. As root, install nginx-light
# from Debian when it is missing (without starting its service); BENCH_NO_INSTALL=1 skips.
if ! command -v nginx >/dev/null && [ "$(id -u)" = 0 ] && [ -z "${BENCH_NO_INSTALL:-}" ] && command -v apt-get >/dev/null; then
  echo "installing nginx-light for the curl baseline..."
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  { apt-get -qq update && DEBIAN_FRONTEND=noninteractive apt-get -qq install -y nginx-light; } >/dev/null 2>&1 \
    || echo "could not install nginx-light; the curl baseline is skipped"
  rm -f /usr/sbin/policy-rc.d
fi
have_curl=""
if command -v nginx >/dev/null && command -v curl >/dev/null; then
  hport=$(( port + 1 ))
  mkdir -p "$work/nginx"
  cat > "$work/nginx/nginx.conf" <<CONF
daemon off; user root; worker_processes 1; pid $work/nginx/pid; error_log $work/nginx/error.log;
events {} http { sendfile on; access_log off;
  server { listen 127.0.0.1:$hport; root $work/src; } }
CONF
  nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" >/dev/null 2>&1 & pids+=($!)
  for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$hport/tiny" && break; sleep 0.1; done
  nginx_worker=$(cat "/proc/$!/task/$!/children" 2>/dev/null || true)   # the one worker serves; the master waits
  nginx_worker=${nginx_worker%% *}
  have_curl=1
fi
# curl_get [sync]: one download of big.bin into a fresh folder; prints "WHOLE OWN OUTSIDE CPU
# SERVERCPU": MB/s of the curl process timed from outside (with sync: until the file is on the disk)
# and curl's own speed_download, then the seconds outside its transfer, the CPU seconds of curl and
# those of nginx's worker meanwhile
curl_get() {
  local durable=${1:-} dir t0 t1 code bps s0 s1 u k
  dir=$(mktemp -d "$work/curl.XXXX")
  warm
  sync
  s0=$(cpu_of "$nginx_worker")
  t0=$(now)
  { time curl -s -o "$dir/big.bin" -w '%{http_code} %{speed_download}\n' "http://127.0.0.1:$hport/big.bin" >"$dir.out"; } 2>"$dir.cpu"
  [ -n "$durable" ] && sync "$dir/big.bin"
  t1=$(now)
  s1=$(cpu_of "$nginx_worker")
  read -r code bps <"$dir.out"
  read -r u k <"$dir.cpu"
  if [ "$code" != 200 ] || ! cmp -s "$dir/big.bin" "$work/src/big.bin"; then
    echo "curl baseline failed (HTTP $code)" >&2; rm -rf "$dir"; exit 1
  fi
  local size own; size=$(stat -c %s "$dir/big.bin"); own=$(awk -v b="$bps" 'BEGIN{printf "%.1f", b/1e6}')
  echo "$(mbps "$size" "$t0" "$t1") $own $(outside "$size" "$t0" "$t1" "$own")" \
    "$(cpu_columns "$u" "$k" "$s0" "$s1")"
  rm -rf "$dir" "$dir.out" "$dir.cpu"
}

# the index and providers start after the raw baseline, so their JVM start-up does not
# share the two cores with it
bg index --bind 127.0.0.1 --port "$port" --lease 60 >"$work/index.log" 2>&1 &
pids+=($!)
# a provider that registers before the index listens gives up: wait for the index's first line
for _ in $(seq 1 300); do grep -q 'listening' "$work/index.log" 2>/dev/null && break; sleep 0.1; done
share p1 "$work/src/big.bin"; share p2 "$work/src/big.bin"; share p3 "$work/src/big.bin"
get big.bin 1 >/dev/null; get big.bin 3 >/dev/null   # warms up the providers' JIT

AB_OPTS=${AB_OPTS:-}
if [ -n "$AB_OPTS" ]; then ROUNDS=${ROUNDS:-12}; else ROUNDS=${ROUNDS:-6}; fi
# whole-process and transfer-phase figures of each kind of run, one entry per round
cw=(); cp=(); csw=(); ow=(); op=(); tw=(); tp=(); fw=(); fp=()
co=(); oo=(); to=()   # seconds outside the transfer phase: curl, 1 source, 3 sources
cc=(); cs=(); oc=(); os=(); tc=(); ts=()   # CPU seconds: the client's process, the server(s) meanwhile
servers=("$pid_p1" "$pid_p2" "$pid_p3")
run_curl() {
  [ -n "$have_curl" ] || return 0
  x=$(curl_get); cw+=("$(whole "$x")"); cp+=("$(phase "$x")"); co+=("$(overhead "$x")")
  cc+=("$(own_cpu "$x")"); cs+=("$(server_cpu "$x")")
}
run_one() {
  x=$(get big.bin 1); ow+=("$(whole "$x")"); op+=("$(phase "$x")"); oo+=("$(overhead "$x")")
  oc+=("$(own_cpu "$x")"); os+=("$(server_cpu "$x")")
}
run_three() {
  x=$(get big.bin 3); tw+=("$(whole "$x")"); tp+=("$(phase "$x")"); to+=("$(overhead "$x")")
  tc+=("$(own_cpu "$x")"); ts+=("$(server_cpu "$x")")
}
# the B side of an A/B: the same runs with the JVM options AB_OPTS
bw=(); bp=(); bo=(); bc=(); bs=(); uw=(); up=(); uo=(); uc=(); us=()
run_oneB() {
  x=$(PEERSHARE_JAVA_OPTS="$AB_OPTS" get big.bin 1); bw+=("$(whole "$x")"); bp+=("$(phase "$x")")
  bo+=("$(overhead "$x")"); bc+=("$(own_cpu "$x")"); bs+=("$(server_cpu "$x")")
}
run_threeB() {
  x=$(PEERSHARE_JAVA_OPTS="$AB_OPTS" get big.bin 3); uw+=("$(whole "$x")"); up+=("$(phase "$x")")
  uo+=("$(overhead "$x")"); uc+=("$(own_cpu "$x")"); us+=("$(server_cpu "$x")")
}
run_curl_sync() { [ -z "$have_curl" ] || { x=$(curl_get sync); csw+=("$(whole "$x")"); }; }
run_fsync() { x=$(get big.bin 1 --fsync); fw+=("$(whole "$x")"); fp+=("$(phase "$x")"); }
# the six orders of the three uncapped runs, one per round in turn
orders=("curl one three" "one three curl" "three curl one" "curl three one" "three one curl" "one curl three")
echo "start of the rounds: $(uptime)"
for r in $(seq 1 "$ROUNDS"); do
  order=${orders[$(( (r - 1) % 6 ))]}
  if [ -n "$AB_OPTS" ]; then
    if (( (r - 1) / 6 % 2 == 0 )); then
      order=${order/one/one oneB}; order=${order/three/three threeB}
    else
      order=${order/one/oneB one}; order=${order/three/threeB three}
    fi
  fi
  for k in $order; do "run_$k"; done
  if (( r % 2 )); then run_curl_sync; run_fsync; durable="curl+sync fsync"; else run_fsync; run_curl_sync; durable="fsync curl+sync"; fi
  printf '  round %d (%s; %s), MB/s whole process (transfer phase): curl %s (%s), 1 source %s (%s), 3 sources %s (%s); durable: curl+sync %s, --fsync %s (%s); CPU s client+server: curl %s+%s, 1 source %s+%s, 3 sources %s+%s\n' \
    "$r" "${order// / → }" "${durable// / → }" "${cw[-1]:--}" "${cp[-1]:--}" "${ow[-1]}" "${op[-1]}" "${tw[-1]}" "${tp[-1]}" "${csw[-1]:--}" "${fw[-1]}" "${fp[-1]}" \
    "${cc[-1]:--}" "${cs[-1]:--}" "${oc[-1]}" "${os[-1]}" "${tc[-1]}" "${ts[-1]}"
  if [ -n "$AB_OPTS" ]; then
    printf '    B (%s): 1 source %s (%s), 3 sources %s (%s); CPU s client+server: 1 source %s+%s, 3 sources %s+%s\n' \
      "$AB_OPTS" "${bw[-1]}" "${bp[-1]}" "${uw[-1]}" "${up[-1]}" "${bc[-1]}" "${bs[-1]}" "${uc[-1]}" "${us[-1]}"
  fi
done
echo "end of the rounds: $(uptime)"
# median and range of the arguments: "median (min-max)"
summary() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END{ m = NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2; printf "%.0f (%.0f-%.0f)", m, v[1], v[NR] }'; }
median() { summary "$@" | cut -d' ' -f1; }

# resume: a 1-source download slowed down so it can be killed half way
dir="$work/resume"; mkdir -p "$dir"
bg get big.bin --index "$index" --dir "$dir" --sources 1 --download-limit 200MB >/dev/null 2>&1 &
gpid=$!
# verified pieces, counted in the resume record: magic(6) version(1) digest(32) size(8) count(4) bitset
verified() {
  python3 -c 'import sys
try: d = open(sys.argv[1], "rb").read()
except OSError: d = b""
n = int.from_bytes(d[47:51], "big") if len(d) > 51 else 0
print(sum(bin(b).count("1") for b in d[51:51 + (n + 7) // 8]))' "$dir/.big.bin.part.state"
}
for _ in $(seq 1 600); do
  [ "$(verified)" -ge $(( SIZE_MB / 2 )) ] && break
  sleep 0.1
done
kill -9 "$gpid"; wait "$gpid" 2>/dev/null || true
ps get big.bin --index "$index" --dir "$dir" --sources 1 --stats >/dev/null 2>"$work/resume.err"
cmp -s "$dir/big.bin" "$work/src/big.bin" || { echo "resumed file differs" >&2; exit 1; }
resumed=$(sed -n 's/.*resumed=\([0-9]*\).*/\1/p' "$work/resume.err")
fetched=$(sed -n 's/.*fetched=\([0-9]*\).*/\1/p' "$work/resume.err")
stop p1; stop p2; stop p3
servers=()

share c1 "$work/src/capped.bin" --upload-limit "$RATE"
share c2 "$work/src/capped.bin" --upload-limit "$RATE"
share c3 "$work/src/capped.bin" --upload-limit "$RATE"
capped1=$(phase "$(get capped.bin 1)")
capped3=$(phase "$(get capped.bin 3)")

share t1 "$work/src/tiny"
t0=$(date +%s.%N); get tiny 1 >/dev/null; t1=$(date +%s.%N)
startup=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}')

ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b>0) printf "%.2f", a/b; else print "-" }'; }
echo
echo "medians of $ROUNDS rounds (range), MB/s; ratios are of the medians, whole process to whole"
echo "process (curl's process timed the same way), transfer phase to curl's own speed_download"
row() { # label, whole runs name, phase runs name, whole reference, phase reference
  local -n w=$2 p=$3
  local ws ps="-" wr="-" pr="-"
  ws=$(summary "${w[@]}")
  [ "${#p[@]}" -gt 0 ] && ps=$(summary "${p[@]}")
  [ -n "$4" ] && wr=$(ratio "$(median "${w[@]}")" "$4")
  [ -n "$5" ] && [ "${#p[@]}" -gt 0 ] && pr=$(ratio "$(median "${p[@]}")" "$5")
  printf '%-32s %-20s %6s   %-20s %6s\n' "$1" "$ws" "$wr" "$ps" "$pr"
}
printf '%-32s %-20s %6s   %-20s %6s\n' "run" "whole process" "ratio" "transfer phase" "ratio"
printf '%-32s %-20s %6s   %-20s %6s\n' "raw socket copy (best of 2)" "-" "" "$raw" ""
cwm=""; cpm=""; csm=""; none=()
if [ -n "$have_curl" ]; then
  cwm=$(median "${cw[@]}"); cpm=$(median "${cp[@]}"); csm=$(median "${csw[@]}")
  row "curl <- nginx sendfile" cw cp "$cwm" "$cpm"
fi
row "peershare get, 1 source" ow op "$cwm" "$cpm"
row "peershare get, 3 sources" tw tp "$cwm" "$cpm"
if [ -n "$AB_OPTS" ]; then
  echo "B: PEERSHARE_JAVA_OPTS=$AB_OPTS"
  row "B: peershare get, 1 source" bw bp "$cwm" "$cpm"
  row "B: peershare get, 3 sources" uw up "$cwm" "$cpm"
  # rounds in which B's whole process was faster than A's beside it (MB/s higher)
  wins() { local -n a=$1 b=$2; local i n=0; for i in "${!a[@]}"; do awk -v x="${a[$i]}" -v y="${b[$i]}" 'BEGIN{ exit !(y > x) }' && n=$((n + 1)); done; echo "$n of ${#a[@]}"; }
  echo "B faster than A beside it, whole process: 1 source in $(wins ow bw) rounds, 3 sources in $(wins tw uw)"
fi
[ -n "$have_curl" ] && row "curl <- nginx, then sync FILE" csw none "$csm" ""
row "peershare get --fsync, 1 source" fw fp "$csm" ""
echo "(the durable rows' ratios are to curl then sync, whole process)"
# seconds of the whole process outside its transfer phase, "median (min-max)" to the millisecond
secs() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END{ m = NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2; printf "%.3f (%.3f-%.3f)", m, v[1], v[NR] }'; }
printf 'seconds outside the transfer phase (start-up, index, manifest, exit), medians: %s1 source %s, 3 sources %s\n' \
  "$([ -n "$have_curl" ] && echo "curl $(secs "${co[@]}"), ")" "$(secs "${oo[@]}")" "$(secs "${to[@]}")"
[ -z "$AB_OPTS" ] || printf '  B: 1 source %s, 3 sources %s\n' "$(secs "${bo[@]}")" "$(secs "${uo[@]}")"
# CPU seconds per run: what the whole machine spent on one download, client and server side
printf 'CPU seconds per run, medians (user + system; server: the providers, or nginx'"'"'s worker):\n'
cpu_row() { # label, client runs name, server runs name
  local -n c=$2 v=$3
  local sums=() i
  for i in "${!c[@]}"; do sums+=("$(awk -v a="${c[$i]}" -v b="${v[$i]}" 'BEGIN{ printf "%.2f", a + b }')"); done
  printf '  %-30s client %-18s server %-18s together %s\n' "$1" "$(secs "${c[@]}")" "$(secs "${v[@]}")" "$(secs "${sums[@]}")"
}
[ -n "$have_curl" ] && cpu_row "curl <- nginx" cc cs
cpu_row "peershare get, 1 source" oc os
cpu_row "peershare get, 3 sources" tc ts
if [ -n "$AB_OPTS" ]; then
  cpu_row "B: peershare get, 1 source" bc bs
  cpu_row "B: peershare get, 3 sources" uc us
fi
echo
printf '%-34s %10s %10s\n' "capped at $RATE per provider" "MB/s" "vs 1 source"
printf '%-34s %10s %10s\n' "1 source" "$capped1" "1.00"
printf '%-34s %10s %10s\n' "3 sources" "$capped3" "$(ratio "$capped3" "$capped1")"
echo
echo "resume after SIGKILL: had $resumed of $(( SIZE_MB * 1024 * 1024 )) bytes verified, fetched $fetched more (missing: $(( SIZE_MB * 1024 * 1024 - resumed )))"
echo "start-up: 'peershare get' of a 1-byte content, whole process: ${startup} s (bench/startup.sh measures start-up properly)"
