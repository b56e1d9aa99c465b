/*
 * tracker-load: a BEP 15 (UDP tracker) announce load generator, for comparing trackers side by
 * side under the same load. Many sockets, each bound to its own source address in 127.0.0.0/8
 * (per-address rate limits and connection ids work as with real clients), each keeping a fixed
 * number of announces in flight: one connect per socket, then announces to a set of info hashes,
 * a new one sent as soon as a reply comes. Single-threaded, epoll + recvmmsg/sendmmsg.
 *
 *   tracker-load HOST PORT [-s SOURCES] [-k INFLIGHT] [-t SECONDS] [-w WARMUP] [-n HASHES]
 *                [-m NUM_WANT] [-b FIRST_SOURCE] [-H HASHFILE]
 *
 * Prints one line: announces answered per second over the measured seconds, latency p50/p99,
 * and counts of errors and of requests resent after 300 ms of silence. -H writes the info hashes
 * (40 hex digits a line) and exits, for trackers that need a whitelist (Debian's opentracker).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_SOURCES 250
#define MAX_INFLIGHT 64
#define BATCH 32
#define ANNOUNCE 98

struct source {
  int fd;
  uint64_t connid;
  uint32_t next_tid;
  uint64_t sent_at[256]; /* send time by transaction id % 256 */
  uint64_t last_reply;
  int port;
};

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + t.tv_nsec;
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next_rand(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static void put32(uint8_t *p, uint32_t v) { v = htonl(v); memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { put32(p, v >> 32); put32(p + 4, (uint32_t)v); }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return ntohl(v); }
static uint64_t get64(const uint8_t *p) { return ((uint64_t)get32(p) << 32) | get32(p + 4); }

/* info hash i: 20 bytes from a fixed seed, so every run (and the whitelist) agrees */
static void info_hash(int i, uint8_t out[20]) {
  uint64_t x = 0x243F6A8885A308D3ull ^ ((uint64_t)(i + 1) * 0x9E3779B97F4A7C15ull);
  for (int j = 0; j < 20; j++) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    out[j] = (uint8_t)x;
  }
}

static int hashes = 1000, num_want = 50;

static void fill_announce(struct source *s, uint8_t *b) {
  uint32_t tid = s->next_tid++;
  put64(b, s->connid);
  put32(b + 8, 1);
  put32(b + 12, tid);
  info_hash((int)(next_rand() % (uint64_t)hashes), b + 16);
  memcpy(b + 36, "-TL0001-", 8);
  put64(b + 44, (uint64_t)s->port); /* peer id tail: one per source */
  put32(b + 52, 0);
  put64(b + 56, 0);
  put64(b + 64, next_rand() % 4 == 0 ? 0 : 1000000); /* a quarter seeders */
  put64(b + 72, 0);
  put32(b + 80, 0);
  put32(b + 84, 0);
  put32(b + 88, (uint32_t)next_rand());
  put32(b + 92, (uint32_t)num_want);
  b[96] = (uint8_t)(s->port >> 8);
  b[97] = (uint8_t)s->port;
  s->sent_at[tid & 255] = now_ns();
}

static void send_announces(struct source *s, int n) {
  static uint8_t bufs[MAX_INFLIGHT][ANNOUNCE];
  struct mmsghdr msgs[MAX_INFLIGHT];
  struct iovec iov[MAX_INFLIGHT];
  memset(msgs, 0, sizeof(msgs));
  for (int i = 0; i < n; i++) {
    fill_announce(s, bufs[i]);
    iov[i].iov_base = bufs[i];
    iov[i].iov_len = ANNOUNCE;
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  int done = 0;
  while (done < n) {
    int r = sendmmsg(s->fd, msgs + done, n - done, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      break; /* buffer full: the timeout path resends */
    }
    done += r;
  }
}

static int cmp64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s HOST PORT [-s SOURCES] [-k INFLIGHT] [-t SECONDS] [-w WARMUP]"
                    " [-n HASHES] [-m NUM_WANT] [-b FIRST_SOURCE] [-H HASHFILE]\n", argv[0]);
    return 2;
  }
  int sources = 64, inflight = 2, first = 1;
  double seconds = 3, warmup = 1;
  const char *hashfile = NULL;
  for (int i = 3; i + 1 < argc; i += 2) {
    char o = argv[i][1];
    const char *v = argv[i + 1];
    if (o == 's') sources = atoi(v);
    else if (o == 'k') inflight = atoi(v);
    else if (o == 't') seconds = atof(v);
    else if (o == 'w') warmup = atof(v);
    else if (o == 'n') hashes = atoi(v);
    else if (o == 'm') num_want = atoi(v);
    else if (o == 'b') first = atoi(v);
    else if (o == 'H') hashfile = v;
  }
  if (hashfile) {
    FILE *f = fopen(hashfile, "w");
    if (!f) { perror(hashfile); return 1; }
    for (int i = 0; i < hashes; i++) {
      uint8_t h[20];
      info_hash(i, h);
      for (int j = 0; j < 20; j++) fprintf(f, "%02x", h[j]);
      fputc('\n', f);
    }
    return fclose(f) == 0 ? 0 : 1;
  }
  if (sources < 1 || sources > MAX_SOURCES || inflight < 1 || inflight > MAX_INFLIGHT ||
      first < 1 || first + sources > 255) {
    fprintf(stderr, "sources 1-%d, inflight 1-%d, sources from 127.1.0.FIRST up to .254\n",
            MAX_SOURCES, MAX_INFLIGHT);
    return 2;
  }
  struct sockaddr_in server = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2]))};
  if (inet_pton(AF_INET, argv[1], &server.sin_addr) != 1) {
    fprintf(stderr, "not an IPv4 address: %s\n", argv[1]);
    return 2;
  }
  static struct source src[MAX_SOURCES];
  int ep = epoll_create1(0);
  for (int i = 0; i < sources; i++) {
    struct source *s = &src[i];
    s->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    int big = 1 << 20;
    setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
    struct sockaddr_in me = {.sin_family = AF_INET};
    me.sin_addr.s_addr = htonl((127u << 24) | (1u << 16) | (uint32_t)(first + i));
    if (bind(s->fd, (struct sockaddr *)&me, sizeof(me)) < 0 ||
        connect(s->fd, (struct sockaddr *)&server, sizeof(server)) < 0) {
      perror("bind/connect");
      return 1;
    }
    s->port = 10000 + first + i;
    s->next_tid = (uint32_t)next_rand();
    /* connect: resend every 250 ms, at most 20 times */
    uint8_t req[16], rep[64];
    put64(req, 0x41727101980ull);
    put32(req + 8, 0);
    int got = 0;
    for (int attempt = 0; attempt < 20 && !got; attempt++) {
      uint32_t tid = s->next_tid++;
      put32(req + 12, tid);
      send(s->fd, req, 16, 0);
      struct pollfd p = {.fd = s->fd, .events = POLLIN};
      while (poll(&p, 1, 250) > 0) {
        ssize_t n = recv(s->fd, rep, sizeof(rep), 0);
        if (n >= 16 && get32(rep) == 0 && get32(rep + 4) == tid) {
          s->connid = get64(rep + 8);
          got = 1;
          break;
        }
      }
    }
    if (!got) {
      fprintf(stderr, "no connect reply from %s:%s to source 127.1.0.%d\n", argv[1], argv[2],
              first + i);
      return 1;
    }
    struct epoll_event e = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
    epoll_ctl(ep, EPOLL_CTL_ADD, s->fd, &e);
  }
  size_t cap = 1 << 22, nlat = 0;
  uint64_t *lat = malloc(cap * sizeof(uint64_t));
  uint64_t start = now_ns();
  uint64_t measure_from = start + (uint64_t)(warmup * 1e9);
  uint64_t end = measure_from + (uint64_t)(seconds * 1e9);
  uint64_t answered = 0, errors = 0, resent = 0, last_check = start;
  for (int i = 0; i < sources; i++) {
    src[i].last_reply = start;
    send_announces(&src[i], inflight);
  }
  static uint8_t rbuf[BATCH][2048];
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  struct epoll_event evs[MAX_SOURCES];
  for (uint64_t t = start; t < end; t = now_ns()) {
    int n = epoll_wait(ep, evs, MAX_SOURCES, 50);
    for (int e = 0; e < n; e++) {
      struct source *s = &src[evs[e].data.u32];
      memset(msgs, 0, sizeof(msgs));
      for (int i = 0; i < BATCH; i++) {
        iov[i].iov_base = rbuf[i];
        iov[i].iov_len = sizeof(rbuf[i]);
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
      }
      int r = recvmmsg(s->fd, msgs, BATCH, MSG_DONTWAIT, NULL);
      if (r <= 0) continue;
      uint64_t at = now_ns();
      int replies = 0;
      for (int i = 0; i < r; i++) {
        const uint8_t *b = rbuf[i];
        if (msgs[i].msg_len < 8) continue;
        uint32_t action = get32(b), tid = get32(b + 4);
        if (action == 3) errors++;
        if (action != 1 && action != 3) continue;
        replies++;
        if (at >= measure_from) {
          answered += action == 1;
          if (nlat < cap) lat[nlat++] = at - s->sent_at[tid & 255];
        }
      }
      if (replies > 0) {
        s->last_reply = at;
        send_announces(s, replies);
      }
    }
    uint64_t t2 = now_ns();
    if (t2 - last_check > 100000000ull) { /* every 100 ms: re-prime sources silent for 300 ms */
      last_check = t2;
      for (int i = 0; i < sources; i++) {
        if (t2 - src[i].last_reply > 300000000ull) {
          src[i].last_reply = t2;
          send_announces(&src[i], inflight);
          resent += (uint64_t)inflight;
        }
      }
    }
  }
  qsort(lat, nlat, sizeof(uint64_t), cmp64);
  double p50 = nlat ? lat[nlat / 2] / 1e6 : 0, p99 = nlat ? lat[nlat * 99 / 100] / 1e6 : 0;
  printf("announces/s %.0f p50_ms %.3f p99_ms %.3f answered %llu errors %llu resent %llu"
         " sources %d inflight %d\n",
         answered / seconds, p50, p99, (unsigned long long)answered,
         (unsigned long long)errors, (unsigned long long)resent, sources, inflight);
  return answered > 0 ? 0 : 1;
}
