#!/usr/bin/env bash
# Installs what the network-namespace test lab (e2e, io.peershare.e2e.netlab) needs:
# `ip` and `tc` (iproute2) and `nft` (nftables). Idempotent: when both are there it
# only checks and returns at once. Needs root (apt-get) when something is missing.
# The tests skip themselves with a clear message when the lab cannot be built, so
# calling this is what makes them run rather than skip (CI calls it before verify).
set -euo pipefail

missing=()
{ command -v ip && command -v tc; } >/dev/null 2>&1 || missing+=(iproute2)
command -v nft >/dev/null 2>&1 || missing+=(nftables)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "netlab-prereqs: missing ${missing[*]}; run as root to install them (apt-get install ${missing[*]})" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "netlab-prereqs: missing ${missing[*]} and there is no apt-get here; install them by hand" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get -qq update && apt-get -qq install -y --no-install-recommends "${missing[@]}"; } >/tmp/netlab-prereqs.log 2>&1; then
  echo "netlab-prereqs: apt-get install ${missing[*]} failed; see /tmp/netlab-prereqs.log" >&2
  exit 1
fi
for tool in ip tc nft; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "netlab-prereqs: '$tool' still missing after installing ${missing[*]}" >&2
    exit 1
  fi
done
echo "netlab-prereqs: installed ${missing[*]}"
