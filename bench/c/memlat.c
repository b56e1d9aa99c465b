/* How long one dependent load from memory takes on this machine right now: a pointer chase
 * through a random cycle over MB megabytes (default 64: far beyond the caches, as the index's
 * reply-cache table and registry are), for about MS milliseconds (default 200). Prints
 * "memlat_ns=N". bench/index-modes.sh runs it before each run, to tell a slow machine from a slow
 * index. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  size_t mb = argc > 1 ? (size_t)atoi(argv[1]) : 64;
  double ms = argc > 2 ? atof(argv[2]) : 200;
  size_t n = mb * 1024 * 1024 / sizeof(size_t);
  size_t *next = malloc(n * sizeof(size_t));
  size_t *order = malloc(n * sizeof(size_t));
  if (!next || !order) return 1;
  for (size_t i = 0; i < n; i++) order[i] = i;
  uint64_t x = 88172645463325252ull;
  for (size_t i = n - 1; i > 0; i--) { /* Fisher-Yates with xorshift */
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    size_t j = x % (i + 1), t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  for (size_t i = 0; i < n; i++) next[order[i]] = order[(i + 1) % n];
  free(order);
  size_t p = 0, steps = 0;
  double start = now(), end = start + ms / 1000;
  while (now() < end) {
    for (int k = 0; k < 100000; k++) p = next[p];
    steps += 100000;
  }
  printf("memlat_ns=%.1f%s\n", (now() - start) * 1e9 / steps, p == (size_t)-1 ? " " : "");
  return 0;
}
