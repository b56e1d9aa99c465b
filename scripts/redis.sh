#!/usr/bin/env bash
# Redis servers for the tests and benchmarks, on free loopback ports, never the system's own
# service: everything lives under a folder the caller names, and `stop` takes it all down.
#
#   scripts/redis.sh install              redis-server from Debian when missing (root, apt-get)
#   scripts/redis.sh standalone DIR [PORT] one server; prints its port
#   scripts/redis.sh cluster DIR [N]       N masters (default 3) joined into a Redis Cluster with
#                                          redis-cli --cluster create; prints their ports
#   scripts/redis.sh stop DIR             stops every server started under DIR
#
# With REDIS_OWNER_PID set, a watchdog stops the servers under DIR once that process is gone,
# so a test JVM that is killed leaves no server behind. Servers keep nothing on disk
# (no RDB, no AOF): a restart is empty, which the failure tests rely on.
set -euo pipefail

die() { echo "redis.sh: $*" >&2; exit 1; }

install() {
  if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then
    return 0
  fi
  [ "$(id -u)" -eq 0 ] || die "redis-server is not installed; run as root to install it (apt-get install redis-server)"
  command -v apt-get >/dev/null 2>&1 || die "redis-server is not installed and there is no apt-get here"
  export DEBIAN_FRONTEND=noninteractive
  # policy-rc.d exit 101: the package must not start the system's own service on 6379
  local policy=/usr/sbin/policy-rc.d created=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created=1
  fi
  local ok=1
  { apt-get -qq update && apt-get -qq install -y --no-install-recommends redis-server; } \
    >/tmp/peershare-redis-install.log 2>&1 || ok=0
  [ -n "$created" ] && rm -f "$policy"
  [ "$ok" -eq 1 ] || die "apt-get install redis-server failed; see /tmp/peershare-redis-install.log"
  command -v redis-server >/dev/null 2>&1 || die "redis-server still missing after apt-get install"
  echo "redis.sh: installed $(redis-server --version | cut -d' ' -f3)" >&2
}

in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Starts one server on PORT (or on a free one) in DIR/PORT; prints the port. Extra
# arguments go to redis-server.
start_one() {
  local dir=$1 want=$2; shift 2
  local tries=0 port
  while :; do
    tries=$((tries + 1))
    [ "$tries" -le 30 ] || die "no free port found for redis-server (see $dir/*/redis.log)"
    if [ -n "$want" ]; then port=$want; else port=$((10000 + RANDOM % 10000)); fi
    if [ -z "$want" ] && { in_use "$port" || in_use $((port + 10000)); }; then continue; fi
    mkdir -p "$dir/$port"
    redis-server --port "$port" --bind 127.0.0.1 --daemonize yes \
      --dir "$dir/$port" --pidfile "$dir/$port/redis.pid" --logfile "$dir/$port/redis.log" \
      --save '' --appendonly no "$@" >/dev/null
    local i
    for i in $(seq 1 100); do
      if redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then
        echo "$port"
        return 0
      fi
      # daemonized: a failed bind shows as a dead pid or a log line
      if grep -q -E 'Address already in use|Failed listening' "$dir/$port/redis.log" 2>/dev/null; then
        break
      fi
      sleep 0.05
    done
    [ -z "$want" ] || die "redis-server did not start on port $want (see $dir/$port/redis.log)"
    stop_port "$dir/$port"
    rm -rf "${dir:?}/$port"
  done
}

# a zombie (exited, not yet reaped by whoever adopted it) counts as gone
alive() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null) && [ -n "$st" ] && [ "${st:0:1}" != Z ]; }

stop_port() {
  local d=$1 pid
  [ -f "$d/redis.pid" ] || return 0
  pid=$(cat "$d/redis.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.05; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$d/redis.pid"
}

stop() {
  local dir=$1 d
  [ -d "$dir" ] || return 0
  local pidfile
  while IFS= read -r pidfile; do
    stop_port "$(dirname "$pidfile")"
  done < <(find "$dir" -name redis.pid)
  if [ -f "$dir/watchdog.pid" ]; then
    local w; w=$(cat "$dir/watchdog.pid"); rm -f "$dir/watchdog.pid"
    [ "$w" != "$$" ] && kill "$w" 2>/dev/null || true
  fi
}

watchdog() {
  local dir=$1
  [ -n "${REDIS_OWNER_PID:-}" ] || return 0
  [ -f "$dir/watchdog.pid" ] && return 0
  setsid nohup bash -c '
    while kill -0 "$1" 2>/dev/null; do sleep 1; done
    "$2" stop "$3"' _ "$REDIS_OWNER_PID" "$(realpath "$0")" "$dir" </dev/null >/dev/null 2>&1 &
  echo $! >"$dir/watchdog.pid"
}

cluster() {
  local dir=$1 n=${2:-3} ports=() p i
  for i in $(seq 1 "$n"); do
    ports+=("$(start_one "$dir" "" --cluster-enabled yes --cluster-config-file nodes.conf \
      --cluster-node-timeout 3000)")
  done
  local addrs=()
  for p in "${ports[@]}"; do addrs+=("127.0.0.1:$p"); done
  redis-cli --cluster create "${addrs[@]}" --cluster-replicas 0 --cluster-yes \
    >"$dir/create.log" 2>&1 || die "redis-cli --cluster create failed (see $dir/create.log)"
  # ready when every node says ok and knows every master
  for i in $(seq 1 200); do
    local ready=1
    for p in "${ports[@]}"; do
      local info; info=$(redis-cli -p "$p" cluster info 2>/dev/null || true)
      grep -q 'cluster_state:ok' <<<"$info" || ready=0
      grep -q "cluster_known_nodes:$n" <<<"$info" || ready=0
    done
    if [ "$ready" -eq 1 ]; then echo "${ports[*]}"; return 0; fi
    sleep 0.05
  done
  die "the cluster did not reach cluster_state:ok (see $dir/*/redis.log)"
}

cmd=${1:-}; shift || true
case "$cmd" in
  install) install ;;
  standalone)
    [ $# -ge 1 ] || die "usage: redis.sh standalone DIR [PORT]"
    install; mkdir -p "$1"; dir=$(realpath "$1"); watchdog "$dir"; start_one "$dir" "${2:-}" ;;
  cluster)
    [ $# -ge 1 ] || die "usage: redis.sh cluster DIR [MASTERS]"
    install; mkdir -p "$1"; dir=$(realpath "$1"); watchdog "$dir"; cluster "$dir" "${2:-3}" ;;
  stop)
    [ $# -ge 1 ] || die "usage: redis.sh stop DIR"
    [ -d "$1" ] && stop "$(realpath "$1")" ;;
  *) die "usage: redis.sh install | standalone DIR [PORT] | cluster DIR [MASTERS] | stop DIR" ;;
esac
