# Sourced by ./mvnw and ./peershare: picks a JDK 21 or newer and exports JAVA_HOME.
# Order: JAVA_HOME if it is new enough, then the usual install places, newest first (or the
# folders in PEERSHARE_JDK_DIRS, separated by ':'), then the `javac` on PATH. Fails with one
# line when there is none.
# POSIX sh: mvnw runs under /bin/sh.

peershare_jdk_major() { # $1 = a JDK home; sets peershare_m to its feature version, or to nothing
  peershare_m=""
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  peershare_v=""
  if [ -r "$1/release" ]; then
    # read with the shell itself, no subshell or sed: ./peershare sources this at every start,
    # and a fork per JDK costs more than the rest of the launcher
    while IFS= read -r peershare_line || [ -n "$peershare_line" ]; do
      case "$peershare_line" in JAVA_VERSION=*) peershare_v=${peershare_line#JAVA_VERSION=}; peershare_v=${peershare_v#\"}; peershare_v=${peershare_v%%\"*}; break ;; esac
    done <"$1/release"
  else
    peershare_v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
  fi
  case "$peershare_v" in 1.*) peershare_v=${peershare_v#1.} ;; esac
  peershare_m=${peershare_v%%[.+-]*}
}

peershare_consider() { # $1 = a folder; keeps it in best/best_m when it is the newest JDK 21+ so far
  [ -d "$1" ] || return 0
  peershare_jdk_major "$1"
  [ -n "$peershare_m" ] || return 0
  if [ "$peershare_m" -ge "$peershare_min" ] 2>/dev/null && [ "$peershare_m" -gt "$best_m" ]; then best=$1 best_m=$peershare_m; fi
}

peershare_find_jdk() {
  peershare_min=21
  peershare_home_says=""
  if [ -n "${JAVA_HOME-}" ]; then
    peershare_jdk_major "$JAVA_HOME"
    peershare_home_says="JAVA_HOME=$JAVA_HOME is ${peershare_m:+JDK }${peershare_m:-no JDK}; "
    if [ -n "$peershare_m" ] && [ "$peershare_m" -ge "$peershare_min" ] 2>/dev/null; then
      PEERSHARE_JDK_MAJOR=$peershare_m
      export PEERSHARE_JDK_MAJOR
      return 0
    fi
  fi
  best="" best_m=0
  case $- in *f*) set +f; peershare_noglob=1 ;; *) peershare_noglob=0 ;; esac  # mvnw runs with set -f
  if [ -n "${PEERSHARE_JDK_DIRS-}" ]; then
    # folders that hold JDKs, separated by ':', instead of the usual places
    peershare_ifs=$IFS
    IFS=:
    set -- $PEERSHARE_JDK_DIRS
    IFS=$peershare_ifs
    for peershare_parent; do
      for d in "$peershare_parent"/*; do peershare_consider "$d"; done
    done
  else
    for d in /usr/lib/jvm/* /usr/java/* /usr/local/java/* /opt/java/* /opt/jdk* /opt/*jdk* \
      "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
      peershare_consider "$d"
    done
  fi
  [ "$peershare_noglob" = 0 ] || set -f
  if [ -z "$best" ] && command -v javac >/dev/null 2>&1; then
    d=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    peershare_jdk_major "$d"
    if [ -n "$peershare_m" ] && [ "$peershare_m" -ge "$peershare_min" ] 2>/dev/null; then best=$d best_m=$peershare_m; fi
  fi
  if [ -z "$best" ]; then
    echo "peershare needs a JDK $peershare_min or newer and found none (${peershare_home_says}looked in ${PEERSHARE_JDK_DIRS:-/usr/lib/jvm and the usual places} and PATH): install one, e.g. openjdk-21-jdk or Temurin 21+, or set JAVA_HOME to it." >&2
    exit 1
  fi
  JAVA_HOME=$best
  PEERSHARE_JDK_MAJOR=$best_m
  export JAVA_HOME PEERSHARE_JDK_MAJOR
}

peershare_find_jdk
