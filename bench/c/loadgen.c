/*
 * Load generator for bench/index-vs-echo.sh: locate (S) requests from many UDP sockets, each bound
 * to its own source address in 127.0.0.0/8, the way many peers reach one index.
 *
 * Closed loop (default): every socket keeps --inflight requests outstanding; a reply (matched by
 * request id, checked for type P, count and size) frees its slot for the next request with a new
 * id, so the reply cache never answers. After --warmup seconds, replies are counted and their
 * latencies recorded for --seconds. A request unanswered for 500 ms counts as lost and its slot
 * goes on.
 * Paced (--rate N): N requests a second in all, spread over the sockets, whatever the replies;
 * --warmup seconds of them are not counted, then --seconds are; after that, one more second for
 * late replies; prints how many of the counted ones were answered correctly.
 *
 * Scripted (--requests FILE --rate N): request i asks for the name on line i of FILE (an S for up
 * to --max providers), N requests a second in all, spread over the sockets, whatever the replies;
 * then one more second for late replies. It registers nothing (the server's registry is what it
 * is) and takes any P or E with the request's id as its answer. Just before the first request it
 * prints start_ns=T (CLOCK_MONOTONIC, the clock of Java's System.nanoTime on Linux), so a process
 * that watches can time its own events to the stream; with --record OUT it writes one line per
 * request: index, when it was sent, when send returned (both CLOCK_MONOTONIC ns), round trip (ns,
 * -1 for none), the reply's type, and how long the reply lay in the socket before this thread read
 * it (ns; from the kernel's arrival time, SO_TIMESTAMPNS, to the read). One thread, sleeping in epoll_wait between bursts: the
 * lightest client that can time each request (ExpiryStall reads OUT). With --fifo PRIO that thread
 * runs at real-time priority (SCHED_FIFO PRIO, its memory locked), as cyclictest runs its measuring
 * thread: on a machine whose cores the server under test shares, a client of normal priority woken
 * by a reply can wait behind any other thread for a scheduler tick (4 ms at 250 Hz) before it reads
 * it, and that wait is the instrument's, not the server's. The server keeps its normal priority.
 *
 * In --mode index it first registers --contents names with --providers providers each (from
 * 127.2.0.x) and takes a cookie (H) for every socket; in --mode echo it sends the same datagrams
 * with a cookie of 0 to the echo server, which only mirrors the header.
 *
 * With --server-pid it also reads the server's CPU time (/proc/PID/stat) at the start and end of
 * the measured window and prints it per reply: a figure other processes on the machine disturb
 * far less than a rate.
 *
 * Prints one line of key=value pairs. Not a part of peershare: a yardstick.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_SOCKETS 1024
#define MAX_INFLIGHT 64
#define HIST_US 1000000 /* 1 us buckets up to 1 s */
#define LOST_NS 500000000LL

static struct sockaddr_in target;
static int index_mode = 1, nsock = 64, inflight = 2, contents = 1000, providers = 4, max_req = 4;
static double warmup = 2, seconds = 3;
static long rate;
static int fds[MAX_SOCKETS];
static uint64_t cookies[MAX_SOCKETS];
static uint32_t hist[HIST_US + 1];
static long errors, bad, lost;
static int server_pid;
static char **names; /* --requests: the name each request asks for */
static long nnames;
static const char *record_to;
static int fifo_prio; /* --fifo: the scripted client's SCHED_FIFO priority, 0 for none */

/* This process's CPU time so far, in microseconds. */
static double own_cpu_us(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e6 + u.ru_utime.tv_usec + u.ru_stime.tv_usec;
}

/* CPU time (user + system, all threads) the server has used so far, in microseconds. */
static double server_cpu_us(void) {
  if (server_pid <= 0) return 0;
  char path[64], buf[2048];
  snprintf(path, sizeof path, "/proc/%d/stat", server_pid);
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  char *p = strrchr(buf, ')'); /* the command name may hold spaces */
  unsigned long utime = 0, stime = 0;
  if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime,
                   &stime) != 2)
    return 0;
  return (utime + stime) * 1e6 / sysconf(_SC_CLK_TCK);
}

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void die(const char *what) {
  perror(what);
  exit(1);
}

static int bound_socket(const char *ip) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET};
  inet_pton(AF_INET, ip, &a.sin_addr);
  if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0) die(ip);
  int buf = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  if (connect(fd, (struct sockaddr *)&target, sizeof target) < 0) die("connect");
  return fd;
}

static int put_str(unsigned char *p, const char *s) {
  size_t n = strlen(s);
  p[0] = (unsigned char)n;
  memcpy(p + 1, s, n);
  return (int)n + 1;
}

static void put32(unsigned char *p, uint32_t v) {
  p[0] = v >> 24, p[1] = v >> 16, p[2] = v >> 8, p[3] = v;
}

static void put64(unsigned char *p, uint64_t v) {
  for (int i = 7; i >= 0; i--, v >>= 8) p[i] = (unsigned char)v;
}

static uint32_t get32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get64(const unsigned char *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v = v << 8 | p[i];
  return v;
}

static int header(unsigned char *p, char type, uint32_t id) {
  p[0] = (unsigned char)type;
  p[1] = 1;
  put32(p + 2, id);
  return 6;
}

/* One request, one reply, resent until it comes (setup only). */
static int call(int fd, const unsigned char *req, int len, unsigned char *reply) {
  struct timeval tv = {.tv_usec = 200000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  for (int tries = 0; tries < 25; tries++) {
    if (send(fd, req, len, 0) < 0) die("send");
    for (;;) {
      ssize_t n = recv(fd, reply, 1500, 0);
      if (n < 0) break;
      if (n >= 6 && get32(reply + 2) == get32(req + 2)) return (int)n;
    }
  }
  fprintf(stderr, "loadgen: no reply from the server\n");
  exit(1);
}

static uint64_t hello(int fd, uint32_t id) {
  unsigned char h[14] = {0}, y[1500];
  header(h, 'H', id);
  int n = call(fd, h, sizeof h, y);
  if (n != 14 || y[0] != 'Y') {
    fprintf(stderr, "loadgen: H was answered with '%c'\n", y[0]);
    exit(1);
  }
  return get64(y + 6);
}

static const unsigned char DIGEST[32] = "peershare-bench-digest-32-bytes!";

static void register_contents(void) {
  for (int p = 0; p < providers; p++) {
    char ip[32], peer[16];
    snprintf(ip, sizeof ip, "127.2.%d.%d", p / 250, p % 250 + 1);
    snprintf(peer, sizeof peer, "p%03d", p);
    int fd = bound_socket(ip);
    uint64_t cookie = hello(fd, 1);
    unsigned char q[64], r[600], a[1500];
    int n = header(q, 'Q', 2); /* a clean start: what an earlier run left goes */
    put64(q + n, cookie), n += 8;
    n += put_str(q + n, peer);
    call(fd, q, n, a);
    for (int c = 0; c < contents; c++) {
      char name[32];
      snprintf(name, sizeof name, "content-%05d", c);
      n = header(r, 'R', 3 + c);
      put64(r + n, cookie), n += 8;
      n += put_str(r + n, peer);
      n += put_str(r + n, name);
      r[n++] = (4000 + p) >> 8, r[n++] = (unsigned char)(4000 + p);
      put64(r + n, 1000000), n += 8;
      memcpy(r + n, DIGEST, 32), n += 32;
      if (call(fd, r, n, a) < 10 || a[0] != 'A') {
        fprintf(stderr, "loadgen: R of %s by %s was answered with '%c'\n", name, peer, a[0]);
        exit(1);
      }
    }
    close(fd);
  }
}

/* The S datagram for request id of socket s, asking for name. */
static int locate_name(unsigned char *p, int s, uint32_t id, const char *name) {
  char peer[16];
  snprintf(peer, sizeof peer, "l%03d", s);
  int n = header(p, 'S', id);
  put64(p + n, cookies[s]), n += 8;
  n += put_str(p + n, peer);
  n += put_str(p + n, name);
  p[n++] = (unsigned char)max_req;
  return n;
}

/* The S datagram for request id of socket s: a content picked from the id. */
static int locate(unsigned char *p, int s, uint32_t id) {
  char name[32];
  snprintf(name, sizeof name, "content-%05u", (id * 2654435761u) % (unsigned)contents);
  return locate_name(p, s, id, name);
}

/* A providers reply as the index sends it; the echo only mirrors the header. */
static int valid(const unsigned char *d, int n, uint32_t id) {
  if (n < 6 || d[0] != 'P' || d[1] != 1 || get32(d + 2) != id) return 0;
  if (!index_mode) return 1;
  int want = providers < max_req ? providers : max_req;
  return n >= 47 && get64(d + 6) == 1000000 && memcmp(d + 14, DIGEST, 32) == 0 && d[46] == want;
}

static void record(int64_t ns) {
  long us = ns / 1000;
  hist[us < HIST_US ? us : HIST_US]++;
}

static long percentile(long total, double q) {
  long want = (long)(total * q), seen = 0;
  for (long i = 0; i <= HIST_US; i++) {
    seen += hist[i];
    if (seen > want) return i;
  }
  return HIST_US;
}

struct slot {
  uint32_t id;
  int64_t sent;
};

static struct slot slots[MAX_SOCKETS][MAX_INFLIGHT];
static uint32_t next_id[MAX_SOCKETS];

static void closed_loop(void) {
  int ep = epoll_create1(0);
  for (int s = 0; s < nsock; s++) {
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = s};
    epoll_ctl(ep, EPOLL_CTL_ADD, fds[s], &ev);
  }
  unsigned char out[MAX_INFLIGHT][300], in[16][1500];
  struct mmsghdr smsg[MAX_INFLIGHT], rmsg[16];
  struct iovec siov[MAX_INFLIGHT], riov[16];
  memset(rmsg, 0, sizeof rmsg);
  for (int i = 0; i < 16; i++) {
    riov[i].iov_base = in[i], riov[i].iov_len = sizeof in[i];
    rmsg[i].msg_hdr.msg_iov = &riov[i], rmsg[i].msg_hdr.msg_iovlen = 1;
  }
  memset(smsg, 0, sizeof smsg);
  for (int i = 0; i < MAX_INFLIGHT; i++) {
    siov[i].iov_base = out[i];
    smsg[i].msg_hdr.msg_iov = &siov[i], smsg[i].msg_hdr.msg_iovlen = 1;
  }
  int64_t start = now_ns();
  int64_t from = start + (int64_t)(warmup * 1e9), until = from + (int64_t)(seconds * 1e9);
  for (int s = 0; s < nsock; s++) {
    for (int k = 0; k < inflight; k++) {
      uint32_t id = next_id[s]++ * inflight + k;
      slots[s][k] = (struct slot){id, now_ns()};
      siov[k].iov_len = locate(out[k], s, id);
    }
    sendmmsg(fds[s], smsg, inflight, 0);
  }
  long answered = 0;
  int64_t last_scan = start;
  double cpu_from = -1, cpu_until = 0, own_from = 0, own_until = 0;
  struct epoll_event evs[256];
  for (;;) {
    int n = epoll_wait(ep, evs, 256, 10);
    int64_t now = now_ns();
    if (cpu_from < 0 && now >= from) {
      cpu_from = server_cpu_us();
      own_from = own_cpu_us();
    }
    if (now >= until) {
      cpu_until = server_cpu_us();
      own_until = own_cpu_us();
      break;
    }
    for (int e = 0; e < n; e++) {
      int s = evs[e].data.u32;
      int got = recvmmsg(fds[s], rmsg, 16, MSG_DONTWAIT, NULL);
      if (got <= 0) continue;
      now = now_ns();
      int k2 = 0;
      for (int i = 0; i < got; i++) {
        if (rmsg[i].msg_len < 6) continue;
        uint32_t id = get32(in[i] + 2);
        struct slot *sl = &slots[s][id % inflight];
        if (sl->id != id) continue; /* late reply to a request counted lost */
        if (in[i][0] == 'E') {
          errors++;
        } else if (!valid(in[i], rmsg[i].msg_len, id)) {
          bad++;
        } else if (now >= from) {
          answered++;
          record(now - sl->sent);
        }
        int k = id % inflight;
        uint32_t nid = next_id[s]++ * inflight + k;
        *sl = (struct slot){nid, now};
        siov[k2].iov_len = locate(out[k2], s, nid);
        k2++;
      }
      if (k2 > 0) sendmmsg(fds[s], smsg, k2, 0);
    }
    if (now - last_scan > 10000000) {
      last_scan = now;
      for (int s = 0; s < nsock; s++) {
        for (int k = 0; k < inflight; k++) {
          if (now - slots[s][k].sent > LOST_NS) {
            if (now >= from) lost++;
            uint32_t nid = next_id[s]++ * inflight + k;
            slots[s][k] = (struct slot){nid, now};
            siov[0].iov_len = locate(out[0], s, nid);
            sendmmsg(fds[s], smsg, 1, 0);
          }
        }
      }
    }
  }
  printf("mode=%s sockets=%d inflight=%d seconds=%.1f rate=%.0f p50_us=%ld p99_us=%ld "
         "p999_us=%ld answered=%ld lost=%ld errors=%ld bad=%ld server_cpu_us_per_reply=%.2f "
         "client_cpu_us_per_reply=%.2f\n",
         index_mode ? "index" : "echo", nsock, inflight, seconds, answered / seconds,
         percentile(answered, 0.5), percentile(answered, 0.99), percentile(answered, 0.999),
         answered, lost, errors, bad,
         answered > 0 && cpu_from >= 0 ? (cpu_until - cpu_from) / answered : 0.0,
         answered > 0 ? (own_until - own_from) / answered : 0.0);
}

static void paced(void) {
  long warm = (long)(rate * warmup); /* sent like the rest, not counted */
  long total = warm + (long)(rate * seconds);
  int64_t *sent_at = calloc(total, sizeof *sent_at);
  char *done = calloc(total, 1);
  if (!sent_at || !done) die("calloc");
  int ep = epoll_create1(0);
  for (int s = 0; s < nsock; s++) {
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = s};
    epoll_ctl(ep, EPOLL_CTL_ADD, fds[s], &ev);
  }
  unsigned char out[300], in[1500];
  long sent = 0, answered = 0;
  int64_t start = now_ns(), stop_sending = start + (int64_t)((warmup + seconds) * 1e9);
  int64_t stop = stop_sending + 1000000000LL;
  struct epoll_event evs[256];
  int64_t counted_from = start + (int64_t)(warmup * 1e9);
  double cpu_from = -1, cpu_until = 0;
  int64_t cpu_from_ns = 0, cpu_until_ns = 0;
  for (;;) {
    int64_t now = now_ns();
    if (now >= stop) break;
    if (cpu_from < 0 && now >= counted_from) {
      cpu_from = server_cpu_us();
      cpu_from_ns = now;
    }
    if (cpu_from >= 0 && cpu_until_ns == 0 && now >= stop_sending) {
      cpu_until = server_cpu_us();
      cpu_until_ns = now;
    }
    long due = now >= stop_sending ? total : (long)((now - start) / 1e9 * rate);
    for (; sent < due && sent < total; sent++) {
      int s = (int)(sent % nsock);
      int len = locate(out, s, (uint32_t)sent);
      sent_at[sent] = now_ns();
      send(fds[s], out, len, 0);
    }
    int n = epoll_wait(ep, evs, 256, 1);
    for (int e = 0; e < n; e++) {
      int s = evs[e].data.u32;
      ssize_t got;
      while ((got = recv(fds[s], in, sizeof in, MSG_DONTWAIT)) >= 0) {
        if (got < 6) continue;
        uint32_t id = get32(in + 2);
        if (id >= (uint32_t)total || done[id]) continue;
        done[id] = 1;
        if (id < (uint32_t)warm) {
          continue;
        } else if (in[0] == 'E') {
          errors++;
        } else if (!valid(in, (int)got, id)) {
          bad++;
        } else {
          answered++;
          record(now_ns() - sent_at[id]);
        }
      }
    }
  }
  sent -= warm;
  printf("mode=%s paced=%ld sent=%ld answered=%ld answered_pct=%.3f p50_us=%ld p99_us=%ld "
         "p999_us=%ld errors=%ld bad=%ld server_cores=%.3f\n",
         index_mode ? "index" : "echo", rate, sent, answered, 100.0 * answered / sent,
         percentile(answered, 0.5), percentile(answered, 0.99), percentile(answered, 0.999),
         errors, bad,
         cpu_until_ns > cpu_from_ns ? (cpu_until - cpu_from) * 1e3 / (cpu_until_ns - cpu_from_ns)
                                    : 0.0);
}

static void read_requests(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) die(path);
  long cap = 1024;
  names = malloc(cap * sizeof *names);
  char line[512];
  while (names && fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = 0;
    if (strlen(line) < 1 || strlen(line) > 255) {
      fprintf(stderr, "loadgen: %s, line %ld: a name of 1-255 bytes\n", path, nnames + 1);
      exit(2);
    }
    if (nnames == cap) names = realloc(names, (cap *= 2) * sizeof *names);
    if (names) names[nnames++] = strdup(line);
  }
  fclose(f);
  if (!names || nnames == 0) {
    fprintf(stderr, "loadgen: no requests in %s\n", path);
    exit(2);
  }
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

/* --fifo: this thread at real-time priority, its memory locked (no page fault while it times). */
static void realtime(void) {
  struct sched_param sp = {.sched_priority = fifo_prio};
  if (sched_setscheduler(0, SCHED_FIFO, &sp) != 0) {
    perror("loadgen: --fifo (SCHED_FIFO needs root or CAP_SYS_NICE)");
    exit(2);
  }
  if (mlockall(MCL_CURRENT | MCL_FUTURE) != 0) perror("loadgen: mlockall (going on)");
}

static void scripted(void) {
  long total = nnames;
  int64_t *sent_at = calloc(total, sizeof *sent_at), *sent_after = calloc(total, sizeof *sent_at);
  int64_t *rtt = malloc(total * sizeof *rtt), *sorted = malloc(total * sizeof *sorted);
  int64_t *late = calloc(total, sizeof *late); /* reply in the socket until read (kernel time) */
  char *type = calloc(total, 1);
  if (!sent_at || !sent_after || !rtt || !sorted || !type || !late) die("malloc");
  for (long i = 0; i < total; i++) rtt[i] = -1;
  /* touch every page the loop will write before the first request: none faults in while it times */
  memset(sent_at, 0, total * sizeof *sent_at), memset(sent_after, 0, total * sizeof *sent_after);
  memset(late, 0, total * sizeof *late), memset(type, 0, total);
  if (fifo_prio > 0) realtime();
  int ep = epoll_create1(0);
  for (int s = 0; s < nsock; s++) {
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = s};
    epoll_ctl(ep, EPOLL_CTL_ADD, fds[s], &ev);
    int on = 1; /* the kernel's time of each reply's arrival in the socket */
    setsockopt(fds[s], SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
  }
  unsigned char out[300], in[1500];
  char control[256];
  struct iovec iov = {.iov_base = in, .iov_len = sizeof in};
  struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
  long sent = 0;
  int64_t start = now_ns(), stop = 0;
  printf("start_ns=%lld\n", (long long)start);
  fflush(stdout);
  struct epoll_event evs[256];
  for (;;) {
    int64_t now = now_ns();
    if (stop && now >= stop) break;
    long due = (long)((now - start) / 1e9 * rate);
    for (; sent < due && sent < total; sent++) {
      int s = (int)(sent % nsock);
      int len = locate_name(out, s, (uint32_t)sent, names[sent]);
      sent_at[sent] = now_ns();
      send(fds[s], out, len, 0);
      sent_after[sent] = now_ns();
    }
    if (sent == total && !stop) stop = now_ns() + 1000000000LL; /* late replies */
    int n = epoll_wait(ep, evs, 256, 1);
    for (int e = 0; e < n; e++) {
      int s = evs[e].data.u32;
      for (;;) {
        mh.msg_control = control, mh.msg_controllen = sizeof control;
        ssize_t got = recvmsg(fds[s], &mh, MSG_DONTWAIT);
        if (got < 0) break;
        int64_t at = now_ns();
        struct timespec wall;
        clock_gettime(CLOCK_REALTIME, &wall);
        if (got < 6) continue;
        uint32_t id = get32(in + 2);
        if (id >= (uint32_t)total || rtt[id] >= 0 || in[1] != 1) continue;
        if (in[0] != 'P' && in[0] != 'E') {
          bad++;
          continue;
        }
        rtt[id] = at - sent_at[id];
        type[id] = (char)in[0];
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
          if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
            struct timespec k;
            memcpy(&k, CMSG_DATA(c), sizeof k);
            late[id] = (wall.tv_sec - k.tv_sec) * 1000000000LL + (wall.tv_nsec - k.tv_nsec);
          }
        }
      }
    }
  }
  long answered = 0, p = 0, over = 0;
  for (long i = 0; i < total; i++) {
    if (rtt[i] < 0) continue;
    sorted[answered++] = rtt[i];
    p += type[i] == 'P';
    over += rtt[i] > 5000000;
  }
  qsort(sorted, answered, sizeof *sorted, cmp_i64);
#define AT(q) (answered ? sorted[(long)(answered * (q)) < answered ? (long)(answered * (q)) : answered - 1] / 1000 : 0)
  printf("mode=%s requests=%ld answered=%ld P=%ld E=%ld bad=%ld p50_us=%lld p99_us=%lld "
         "p999_us=%lld max_us=%lld over_5ms=%ld\n",
         index_mode ? "index" : "echo", total, answered, p, answered - p, bad, (long long)AT(0.5),
         (long long)AT(0.99), (long long)AT(0.999), (long long)AT(1.0), over);
#undef AT
  if (record_to) {
    FILE *f = fopen(record_to, "w");
    if (!f) die(record_to);
    for (long i = 0; i < total; i++)
      fprintf(f, "%ld %lld %lld %lld %c %lld\n", i, (long long)sent_at[i],
              (long long)sent_after[i], (long long)rtt[i], rtt[i] < 0 ? '-' : type[i],
              (long long)late[i]);
    if (fclose(f) != 0) die(record_to);
  }
}

int main(int argc, char **argv) {
  static struct option opts[] = {
      {"target", required_argument, 0, 't'},   {"mode", required_argument, 0, 'm'},
      {"sockets", required_argument, 0, 's'},  {"inflight", required_argument, 0, 'i'},
      {"warmup", required_argument, 0, 'w'},   {"seconds", required_argument, 0, 'd'},
      {"rate", required_argument, 0, 'r'},     {"contents", required_argument, 0, 'c'},
      {"providers", required_argument, 0, 'p'}, {"max", required_argument, 0, 'x'},
      {"server-pid", required_argument, 0, 'P'}, {"requests", required_argument, 0, 'q'},
      {"record", required_argument, 0, 'o'},   {"fifo", required_argument, 0, 'f'},
      {0, 0, 0, 0}};
  char host[64] = "127.0.0.1";
  int port = 0, o;
  while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (o) {
      case 't': {
        char *colon = strrchr(optarg, ':');
        if (!colon || colon - optarg >= (long)sizeof host) goto usage;
        memcpy(host, optarg, colon - optarg), host[colon - optarg] = 0;
        port = atoi(colon + 1);
        break;
      }
      case 'm': index_mode = strcmp(optarg, "echo") != 0; break;
      case 's': nsock = atoi(optarg); break;
      case 'i': inflight = atoi(optarg); break;
      case 'w': warmup = atof(optarg); break;
      case 'd': seconds = atof(optarg); break;
      case 'r': rate = atol(optarg); break;
      case 'c': contents = atoi(optarg); break;
      case 'p': providers = atoi(optarg); break;
      case 'x': max_req = atoi(optarg); break;
      case 'P': server_pid = atoi(optarg); break;
      case 'q': read_requests(optarg); break;
      case 'o': record_to = optarg; break;
      case 'f': fifo_prio = atoi(optarg); break;
      default: goto usage;
    }
  }
  if (port <= 0 || nsock < 1 || nsock > MAX_SOCKETS || inflight < 1 || inflight > MAX_INFLIGHT ||
      contents < 1 || providers < 1 || providers > 16 || max_req < 1 || max_req > 16 ||
      (nnames > 0 && rate <= 0) || (record_to && nnames == 0) || fifo_prio < 0 || fifo_prio > 99 ||
      (fifo_prio > 0 && nnames == 0))
    goto usage;
  target = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons(port)};
  if (inet_pton(AF_INET, host, &target.sin_addr) != 1) goto usage;
  if (index_mode && nnames == 0) register_contents();
  for (int s = 0; s < nsock; s++) {
    char ip[32];
    snprintf(ip, sizeof ip, "127.1.%d.%d", s / 250, s % 250 + 1);
    fds[s] = bound_socket(ip);
    cookies[s] = index_mode ? hello(fds[s], 0x7fffffff) : 0; /* bound to this address and port */
    fcntl(fds[s], F_SETFL, fcntl(fds[s], F_GETFL) | O_NONBLOCK);
  }
  if (nnames > 0) scripted(); else if (rate > 0) paced(); else closed_loop();
  return 0;
usage:
  fprintf(stderr,
          "usage: loadgen --target IP:PORT [--mode index|echo] [--sockets 64] [--inflight 2]\n"
          "               [--warmup 2] [--seconds 3] [--rate N] [--contents 1000]\n"
          "               [--providers 4] [--max 4] [--server-pid PID]\n"
          "       loadgen --target IP:PORT [--mode index|echo] --requests FILE --rate N\n"
          "               [--record OUT] [--sockets 64] [--max 4] [--fifo PRIO]\n");
  return 2;
}
