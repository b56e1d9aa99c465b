#!/usr/bin/env bash
# Installs the BitTorrent programs the tracker's tests and benchmark run against: rtorrent,
# aria2 (aria2c), mktorrent (makes the torrents), transmission-cli (across network namespaces)
# and opentracker (the benchmark's baseline), all from Debian's packages. Idempotent: when all are
# there it only checks. Needs root (apt-get) when something is missing. Without them the tests
# that need them skip with one line saying so; CI calls this first so that they run.
set -euo pipefail

declare -A package=(
  [rtorrent]=rtorrent [aria2c]=aria2 [mktorrent]=mktorrent
  [transmission-cli]=transmission-cli [opentracker]=opentracker
)
missing=()
for tool in "${!package[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${package[$tool]}")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "bittorrent-prereqs: missing ${missing[*]}; run as root to install them (apt-get install ${missing[*]})" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "bittorrent-prereqs: missing ${missing[*]} and there is no apt-get here; install them by hand" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get -qq update && apt-get -qq install -y --no-install-recommends "${missing[@]}"; } >/tmp/bittorrent-prereqs.log 2>&1; then
  echo "bittorrent-prereqs: apt-get install ${missing[*]} failed; see /tmp/bittorrent-prereqs.log" >&2
  exit 1
fi
# the package's service would take UDP 6969 on every address; the tests start their own
if command -v systemctl >/dev/null 2>&1; then
  systemctl disable --now opentracker >/dev/null 2>&1 || true
fi
echo "bittorrent-prereqs: installed ${missing[*]}"
