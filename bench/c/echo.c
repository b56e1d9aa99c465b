/*
 * The baseline for bench/index-vs-echo.sh: a UDP server that does nothing but answer, as fast as
 * the kernel lets it. Each thread owns one socket (SO_REUSEPORT, so the kernel spreads sources
 * over the threads as it does for the index) and loops on one recvmmsg and one sendmmsg per
 * batch. Every reply is REPLY_BYTES long and carries the request's header with the type 'P', so a
 * load generator can match it exactly as it matches the index's providers reply.
 *
 *   echo BIND_ADDRESS PORT REPLY_BYTES THREADS
 *
 * Runs until killed. Not a part of peershare: a yardstick.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH 64
#define MAX_DATAGRAM 1200

static struct sockaddr_storage bind_to;
static socklen_t bind_len;
static int reply_bytes;

static int open_socket(void) {
  int fd = socket(bind_to.ss_family, SOCK_DGRAM, 0);
  int on = 1;
  if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) < 0) {
    perror("socket");
    exit(1);
  }
  if (bind_to.ss_family == AF_INET6) {
    int off = 0;
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
  }
  if (bind(fd, (struct sockaddr *)&bind_to, bind_len) < 0) {
    perror("bind");
    exit(1);
  }
  return fd;
}

static void *serve(void *arg) {
  int fd = (int)(long)arg;
  static __thread unsigned char in[BATCH][MAX_DATAGRAM + 1];
  static __thread unsigned char out[BATCH][MAX_DATAGRAM];
  struct mmsghdr rmsg[BATCH], smsg[BATCH];
  struct iovec riov[BATCH], siov[BATCH];
  struct sockaddr_storage from[BATCH];
  for (;;) {
    for (int i = 0; i < BATCH; i++) {
      riov[i].iov_base = in[i];
      riov[i].iov_len = sizeof in[i];
      memset(&rmsg[i], 0, sizeof rmsg[i]);
      rmsg[i].msg_hdr.msg_iov = &riov[i];
      rmsg[i].msg_hdr.msg_iovlen = 1;
      rmsg[i].msg_hdr.msg_name = &from[i];
      rmsg[i].msg_hdr.msg_namelen = sizeof from[i];
    }
    int n = recvmmsg(fd, rmsg, BATCH, MSG_WAITFORONE, NULL);
    if (n < 0) {
      if (errno == EINTR) continue;
      perror("recvmmsg");
      exit(1);
    }
    int k = 0;
    for (int i = 0; i < n; i++) {
      if (rmsg[i].msg_len < 6) continue;
      memcpy(out[k], in[i], 6); /* type, version, requestId */
      out[k][0] = 'P';
      siov[k].iov_base = out[k];
      siov[k].iov_len = reply_bytes;
      memset(&smsg[k], 0, sizeof smsg[k]);
      smsg[k].msg_hdr.msg_iov = &siov[k];
      smsg[k].msg_hdr.msg_iovlen = 1;
      smsg[k].msg_hdr.msg_name = &from[i];
      smsg[k].msg_hdr.msg_namelen = rmsg[i].msg_hdr.msg_namelen;
      k++;
    }
    for (int sent = 0; sent < k;) {
      int s = sendmmsg(fd, smsg + sent, k - sent, 0);
      if (s < 0) {
        if (errno == EINTR) continue;
        break; /* a full buffer drops the rest of the batch, as UDP may */
      }
      sent += s;
    }
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: echo BIND_ADDRESS PORT REPLY_BYTES THREADS\n");
    return 2;
  }
  int port = atoi(argv[2]);
  reply_bytes = atoi(argv[3]);
  int threads = atoi(argv[4]);
  if (reply_bytes < 6 || reply_bytes > MAX_DATAGRAM || threads < 1 || threads > 64) {
    fprintf(stderr, "echo: REPLY_BYTES 6-1200, THREADS 1-64\n");
    return 2;
  }
  memset(&bind_to, 0, sizeof bind_to);
  struct sockaddr_in *v4 = (struct sockaddr_in *)&bind_to;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&bind_to;
  if (inet_pton(AF_INET, argv[1], &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    bind_len = sizeof *v4;
  } else if (inet_pton(AF_INET6, argv[1], &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    bind_len = sizeof *v6;
  } else {
    fprintf(stderr, "echo: not an IP address: %s\n", argv[1]);
    return 2;
  }
  int fds[64];
  for (int t = 0; t < threads; t++) fds[t] = open_socket(); /* all bound before any serves */
  pthread_t tid;
  for (int t = 1; t < threads; t++) pthread_create(&tid, NULL, serve, (void *)(long)fds[t]);
  printf("echo listening on %s port %d, %d thread(s), replies of %d bytes\n", argv[1], port,
         threads, reply_bytes);
  fflush(stdout);
  serve((void *)(long)fds[0]);
  return 0;
}
