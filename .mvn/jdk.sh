# Sourced by ./mvnw and ./peershare: picks a JDK 21 or newer and exports JAVA_HOME.
# Order: JAVA_HOME if it is new enough, then the usual install places (newest first),
# then the `java` on PATH. Fails with one line when there is none.
# POSIX sh: mvnw runs under /bin/sh.

peershare_jdk_major() { # $1 = a JDK home; prints its feature version, or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  if [ -r "$1/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$1/release" 2>/dev/null)
  else
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
  fi
  case "$v" in 1.*) v=${v#1.} ;; esac
  printf '%s\n' "${v%%[.+-]*}"
}

peershare_find_jdk() {
  peershare_min=21
  if [ -n "${JAVA_HOME-}" ]; then
    m=$(peershare_jdk_major "$JAVA_HOME")
    if [ -n "$m" ] && [ "$m" -ge "$peershare_min" ] 2>/dev/null; then
      PEERSHARE_JDK_MAJOR=$m
      export PEERSHARE_JDK_MAJOR
      return 0
    fi
  fi
  best="" best_m=0
  case $- in *f*) set +f; peershare_noglob=1 ;; *) peershare_noglob=0 ;; esac  # mvnw runs with set -f
  for d in /usr/lib/jvm/* /usr/java/* /usr/local/java/* /opt/java/* /opt/jdk* /opt/*jdk* \
    "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$d" ] || continue
    m=$(peershare_jdk_major "$d")
    [ -n "$m" ] || continue
    if [ "$m" -ge "$peershare_min" ] 2>/dev/null && [ "$m" -gt "$best_m" ]; then best=$d best_m=$m; fi
  done
  [ "$peershare_noglob" = 0 ] || set -f
  if [ -z "$best" ] && command -v javac >/dev/null 2>&1; then
    d=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    m=$(peershare_jdk_major "$d")
    if [ -n "$m" ] && [ "$m" -ge "$peershare_min" ] 2>/dev/null; then best=$d best_m=$m; fi
  fi
  if [ -z "$best" ]; then
    echo "peershare needs a JDK $peershare_min or newer and found none (JAVA_HOME, /usr/lib/jvm, PATH): install one, e.g. openjdk-21-jdk or Temurin 21+, or set JAVA_HOME to it." >&2
    exit 1
  fi
  JAVA_HOME=$best
  PEERSHARE_JDK_MAJOR=$best_m
  export JAVA_HOME PEERSHARE_JDK_MAJOR
}

peershare_find_jdk
