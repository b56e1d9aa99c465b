# Sourced by the benchmark scripts (bash). bench_work TEMPLATE makes the run's work folder ($work)
# and arranges that at exit every process whose pid was added to $pids is stopped and the
# folder removed, however the script ends.
bench_work() {
  work=$(mktemp -d "$1")
  pids=()
  trap bench_cleanup EXIT
}

bench_cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
