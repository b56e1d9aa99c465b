#!/usr/bin/env bash
# Installs what the tests of --metrics need from Debian:
#   chromium-headless-shell (else chromium) and a font: the status page is loaded, checked and
#     photographed in a real headless browser;
#   prometheus (the server, with promtool): a real Prometheus scrapes /metrics and parses it with
#     its own parser; promtool lints the text format.
# Idempotent: when everything is there it only checks. Needs root (apt-get) to install. The
# system's own Prometheus service is never started (policy-rc.d answers 101 while installing).
# The tests skip themselves, each with one clear line, when a tool is missing; calling this is
# what makes them run (CI calls it before verify).
set -euo pipefail

have_browser() {
  command -v chromium-headless-shell >/dev/null 2>&1 || command -v chromium >/dev/null 2>&1 \
    || [ -x /usr/lib/chromium/chromium-headless-shell ]
}
have_font() { fc-list 2>/dev/null | grep -qiE 'dejavu|liberation|noto'; }

missing=()
have_browser || missing+=(chromium-headless-shell)
have_font || missing+=(fonts-dejavu-core fontconfig)
{ command -v prometheus && command -v promtool; } >/dev/null 2>&1 || missing+=(prometheus)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "metrics-prereqs: missing ${missing[*]}; run as root to install them (apt-get install ${missing[*]})" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "metrics-prereqs: missing ${missing[*]} and there is no apt-get here; install them by hand" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
policy=/usr/sbin/policy-rc.d created=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created=1
fi
log=/tmp/peershare-metrics-prereqs.log
ok=1
{ apt-get -qq update && apt-get -qq install -y --no-install-recommends "${missing[@]}"; } >"$log" 2>&1 || ok=0
if [ "$ok" -eq 0 ] && [[ " ${missing[*]} " == *" chromium-headless-shell "* ]]; then
  # older releases have no headless shell package: the full browser runs headless too
  retry=("${missing[@]/chromium-headless-shell/chromium}")
  ok=1
  apt-get -qq install -y --no-install-recommends "${retry[@]}" >>"$log" 2>&1 || ok=0
fi
[ -n "$created" ] && rm -f "$policy"
if [ "$ok" -eq 0 ]; then
  echo "metrics-prereqs: apt-get install ${missing[*]} failed; see $log" >&2
  exit 1
fi
# the package's own service must not run: the tests start their own Prometheus on a free port
if command -v service >/dev/null 2>&1; then
  service prometheus stop >/dev/null 2>&1 || true
fi
have_browser || { echo "metrics-prereqs: no chromium after installing; see $log" >&2; exit 1; }
command -v promtool >/dev/null 2>&1 || { echo "metrics-prereqs: no promtool after installing; see $log" >&2; exit 1; }
echo "metrics-prereqs: installed ${missing[*]}"
