/* What a fresh page costs on this machine right now: maps MB megabytes (default 64) of anonymous
 * memory, writes one byte per 4 KiB page (each write a minor fault: the kernel takes a free page,
 * zeroes it and maps it; in a VM the host may have to back the page first), and prints the
 * nanoseconds per page of the first pass and of a second pass over the same, now mapped, pages
 * (a plain write: the floor). ROUNDS (default 3) maps, touches and unmaps in a row: the later
 * rounds get pages the kernel has just freed. Prints "touch_ns=FIRST,... rewrite_ns=N".
 * bench/redis-ab.sh runs it before each turn (run Z in docs/benchmarks.md). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  size_t mb = argc > 1 ? (size_t)atoi(argv[1]) : 64;
  int rounds = argc > 2 ? atoi(argv[2]) : 3;
  size_t len = mb * 1024 * 1024, pages = len / 4096;
  double rewrite = 0;
  printf("touch_ns=");
  for (int r = 0; r < rounds; r++) {
    volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return 1;
    madvise((void *)p, len, MADV_NOHUGEPAGE);
    double t0 = now();
    for (size_t i = 0; i < pages; i++) p[i * 4096] = 1;
    double t1 = now();
    for (size_t i = 0; i < pages; i++) p[i * 4096] = 2;
    double t2 = now();
    printf("%s%.0f", r ? "," : "", (t1 - t0) / pages * 1e9);
    rewrite = (t2 - t1) / pages * 1e9;
    munmap((void *)p, len);
  }
  printf(" rewrite_ns=%.1f\n", rewrite);
  return 0;
}
